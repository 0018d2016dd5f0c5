import 'reflect-metadata';
import { runProcess } from '@app/application';
import { createWorkerApp } from './bootstrap';

void runProcess('layershift-worker', createWorkerApp, (c) => c.worker, 'health and metrics');
