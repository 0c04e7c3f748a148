// `testTimeout` in a project's jest config is ignored when the root config runs all projects
// together (it is a global option there); each project sets its own default through this file.
// The project's config passes the value in `globals.WHARF_TEST_TIMEOUT_MS`.
jest.setTimeout(globalThis.WHARF_TEST_TIMEOUT_MS ?? 5000);
