// Validates nines' interface documents with the validators their communities use:
// @apidevtools/swagger-parser (OpenAPI) and @asyncapi/parser with the Avro schema parser
// (AsyncAPI 3). Usage: node validate.cjs <openapi-url> <asyncapi-url>. Exit 0: both valid.
const SwaggerParser = require('@apidevtools/swagger-parser');
const { Parser, fromURL } = require('@asyncapi/parser');
const { AvroSchemaParser } = require('@asyncapi/avro-schema-parser');

async function main() {
  const [openapiUrl, asyncapiUrl] = process.argv.slice(2);
  let failed = false;
  try {
    // the document is served on localhost, which the resolver refuses by default (SSRF guard)
    const api = await SwaggerParser.validate(openapiUrl,
      { resolve: { http: { safeUrlResolver: false } } });
    console.log(`openapi: valid (${Object.keys(api.paths).length} paths)`);
  } catch (e) {
    failed = true;
    console.log(`openapi: INVALID: ${e.message}`);
  }
  const parser = new Parser();
  parser.registerSchemaParser(AvroSchemaParser());
  const { document, diagnostics } = await fromURL(parser, asyncapiUrl).parse();
  const errors = diagnostics.filter((d) => d.severity === 0);
  for (const d of errors) {
    console.log(`asyncapi: ERROR ${d.code} at ${d.path.join('.')}: ${d.message}`);
  }
  if (document === undefined || errors.length > 0) {
    failed = true;
    console.log('asyncapi: INVALID');
  } else {
    console.log(`asyncapi: valid (${document.channels().length} channels, `
      + `${diagnostics.length} warnings or hints)`);
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(`validator failed: ${e.stack || e}`);
  process.exit(2);
});
