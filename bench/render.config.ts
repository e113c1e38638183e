import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

// `npm run --silent bench:render`: the viewport's frame cost in real Chromium (SwiftShader here).
const webServer = Array.isArray(base.webServer) ? base.webServer[0] : base.webServer;
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'render-frame.spec.ts',
  retries: 0,
  reporter: [['line']],
  webServer: { ...webServer!, cwd: '..' },
});
