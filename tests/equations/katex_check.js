// Render LaTeX expressions with KaTeX (throwOnError, display mode).
// stdin: JSON array of strings; stdout: JSON array, null for each expression
// that renders, else the KaTeX error message.
const katex = require("katex");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const expressions = JSON.parse(input);
  const results = expressions.map((expr) => {
    try {
      katex.renderToString(expr, { throwOnError: true, displayMode: true, strict: "error" });
      return null;
    } catch (err) {
      return String(err.message || err);
    }
  });
  process.stdout.write(JSON.stringify(results));
});
