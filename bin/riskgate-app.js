#!/usr/bin/env node
// `npm start`: the riskgate GitHub App (see README, "Run the App").
import { startApp } from '../build/src/app/start-app.js';

startApp().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
