// A Node.js test function: answers with the event's method, path and query.
export const handler = async (event, context) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ runtime: "node", method: event.httpMethod, path: event.path, query: event.queryStringParameters, requestId: context.awsRequestId }),
});
