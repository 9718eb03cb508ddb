// One module, three functions: each answers with its name, the request and its environment.
const answer = (fn) => async (event) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  multiValueHeaders: { "content-type": ["application/json"] },
  body: JSON.stringify({
    fn,
    path: event.path,
    multiValue: event.multiValueHeaders !== undefined,
    env: {
      GREETING: process.env.GREETING, STAGE: process.env.STAGE, REGION: process.env.REGION,
      COLOR: process.env.COLOR, DEBUG: process.env.DEBUG, PANEL: process.env.PANEL || null,
      MEMORY: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, NAME: process.env.AWS_LAMBDA_FUNCTION_NAME,
    },
  }),
});
exports.api = answer("api");
exports.admin = answer("admin");
exports.search = answer("search");
