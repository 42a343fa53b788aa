// The example of code a gate must never wave through, wherever it is put: eval, a shell
// command built from input, TLS verification off (and, for the rules that read every file kind,
// a hard-coded credential).

export const DANGEROUS_JS = [
  "const { exec } = require('child_process');",
  "const https = require('https');",
  'const agent = new https.Agent({ rejectUnauthorized: false });',
  'const apiKey = "Zq8v3LmN4pR7sT1w";',
  'module.exports = (input) => {',
  "  exec('curl ' + input);",
  '  return eval(input);',
  '};',
];

/** Where authors put it: under src/, and under folders whose names used to make it tool-made or a test. */
export const AUTHOR_CHOSEN_PATHS = ['src/run.js', 'src/vendor/run.js', 'vendor/acme/run.js', 'src/generated/run.js', 'dist/index.js', 'fixtures/run.js'];
