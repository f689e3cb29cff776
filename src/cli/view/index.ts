export { createApi, MAX_PAGE, type QueueProgressSource } from './api.js';
export { createViewerApp, type ViewerAppOptions } from './app.js';
export { type CellValue, cellValue, filterRollouts, type RolloutFilter, type RolloutListItem } from './data.js';
export { openInBrowser } from './open-browser.js';
export { allowedHosts, bindsEveryInterface, type RunningViewer, startViewer, type ViewerOptions } from './server.js';
export { loadStaticFiles, VIEWER_DIR } from './static.js';
