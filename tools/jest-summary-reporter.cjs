// Records one plain closing line ("tests: N passed, N failed, N skipped"). `npm test` prints it after
// jest has exited, so that it is the last line of the log; run alone, jest prints it itself.
const { writeFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped`;
    if (process.env.WHARF_TEST_SUMMARY) writeFileSync(process.env.WHARF_TEST_SUMMARY, line + '\n');
    else process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
