// The whole suite in one jest run (unit, integration and end-to-end projects), so that one summary
// covers everything. Each project's own configs stay runnable alone through its Nx targets.
const { readdirSync, existsSync } = require('node:fs');
const path = require('node:path');

const projects = [];
for (const top of ['libs', 'apps', 'tools']) {
  const dir = path.join(__dirname, top);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    for (const cfg of ['jest.config.cjs', 'jest.int.config.cjs', 'jest.e2e.config.cjs']) {
      const p = path.join(dir, name, cfg);
      if (existsSync(p)) projects.push(p);
    }
  }
}

module.exports = {
  projects,
  reporters: ['default', path.join(__dirname, 'tools/jest-summary-reporter.cjs')],
};
