import { bootstrapApplication } from '@angular/platform-browser';
import { angleIcon, ClarityIcons } from '@clr/angular/icon';
import { AppComponent } from './app/app.component';
import { appConfig } from './app/app.config';

// The datagrid registers its own icons but not the carets of expandable rows and pagination.
ClarityIcons.addIcons(angleIcon);

bootstrapApplication(AppComponent, appConfig).catch((err: unknown) => console.error(err));
