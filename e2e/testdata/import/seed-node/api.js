// The seed's JSON API.
exports.handler = async (event) => ({
  statusCode: 200,
  statusDescription: "200 OK",
  isBase64Encoded: false,
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ data: "hello 123", fn: "api", path: event.path, method: event.httpMethod }),
});
