// The seed's home page, rendered by a function.
exports.handler = async (event) => ({
  statusCode: 200,
  statusDescription: "200 OK",
  isBase64Encoded: false,
  headers: { "Content-Type": "text/html; charset=utf-8" },
  body: `<!doctype html><html><head><link rel="stylesheet" href="/assets/style.css"></head>` +
    `<body><h1>Albatross tickets</h1><p>served by page for ${event.path}</p></body></html>`,
});
