import type { OpenApiDocument } from './openapi';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained page (no scripts, nothing fetched) listing the routes of the document. */
export function docsPage(document: OpenApiDocument): string {
  const rows = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(
      ([method, op]) =>
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escape(path)}</code></td>` +
        `<td>${escape(op.summary)}</td><td>${escape(op.description)}</td></tr>`,
    ),
  );
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(document.info.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style>
</head>
<body>
<h1>${escape(document.info.title)}</h1>
<p>${escape(document.info.description)}</p>
<p>The OpenAPI ${escape(document.openapi)} document: <a href="/docs/openapi.json">/docs/openapi.json</a>.</p>
<table><thead><tr><th>method</th><th>path</th><th>what</th><th>who</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</body>
</html>
`;
}
