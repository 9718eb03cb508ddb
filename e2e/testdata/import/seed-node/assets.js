// The seed's assets, read from the function's own folder instead of an S3 bucket (the bucket
// is not run by Albatross; BUCKET is left out of the environment).
const fs = require("fs");
const path = require("path");

const types = { ".css": "text/css", ".png": "image/png", ".txt": "text/plain" };

exports.handler = async (event) => {
  const rel = path.normalize(event.path).replace(/^\/+/, "");
  if (!rel.startsWith("assets/")) return { statusCode: 404, body: "" };
  try {
    const data = fs.readFileSync(path.join(__dirname, rel));
    return {
      statusCode: 200,
      isBase64Encoded: true,
      headers: { "Content-Type": types[path.extname(rel)] || "application/octet-stream", "X-Bucket": process.env.BUCKET || "-" },
      body: data.toString("base64"),
    };
  } catch (e) {
    return { statusCode: 404, headers: { "Content-Type": "text/plain" }, body: "no such asset" };
  }
};
