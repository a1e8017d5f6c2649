export { PluginPage, WithoutPageShell } from './PluginPage';
