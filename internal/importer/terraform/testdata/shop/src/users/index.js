// Answers with the function's name and environment, so a test can tell which function routed.
exports.handler = async (event) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    function: process.env.AWS_LAMBDA_FUNCTION_NAME,
    service: process.env.SERVICE,
    region: process.env.REGION,
    path: event.path,
    multiValue: event.multiValueHeaders !== undefined,
  }),
});
