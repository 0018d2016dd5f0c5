import 'reflect-metadata';
import { runProcess } from '@app/application';
import { createApiApp } from './bootstrap';

void runProcess('layershift-api', createApiApp, (c) => c.api, 'OpenAPI at /api/docs, plugin at /ui/');
