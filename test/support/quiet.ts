// Imported first by handler tests: Powertools reads its level when the logger is built, and the
// handlers' JSON logs would drown the test output. TEST_LOG_LEVEL=INFO brings them back.
process.env.POWERTOOLS_LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'SILENT';
