// The snapshot-start app: real dependencies bundled into one file by perf-lab (esbuild), and
// the start-up work an app typically does with them before it serves: build validation
// schemas, render a document, format dates, prepare lookup tables.
import * as _ from "lodash-es";
import * as dates from "date-fns";
import { z } from "zod";
import { marked } from "marked";
import * as YAML from "yaml";

// Whole namespaces are kept (not tree-shaken), as an app that uses much of each would.
const libraries = {
  lodash: Object.keys(_).length,
  dates: Object.keys(dates).length,
  yaml: Object.keys(YAML).length,
};

const Order = z.object({
  id: z.string().uuid(),
  customer: z.object({ name: z.string().min(1), email: z.string().email() }),
  items: z
    .array(z.object({
      sku: z.string().regex(/^[A-Z]{3}-\d{4}$/),
      qty: z.number().int().positive(),
    }))
    .nonempty(),
  placed: z.string().datetime(),
});

const sample = {
  id: "0b8e6f1e-8c1d-4a57-9a39-2f0d3d5b7c11",
  customer: { name: "Ada", email: "ada@example.com" },
  items: _.times(20, (i) => ({ sku: `ABC-${String(1000 + i)}`, qty: i + 1 })),
  placed: "2026-12-04T08:00:00Z",
};
const checked = Order.parse(sample);

const readme = _.range(40)
  .map((i) => `## Section ${i}\n\n` +
    `Some *text* with a [link](https://example.com/${i}) and \`code\`.\n\n- a\n- b\n`)
  .join("\n");
const page = marked.parse(readme);

const day = new Date(Date.UTC(2026, 11, 4));
const calendar = _.range(365).map((i) => dates.format(dates.addDays(day, i), "yyyy-MM-dd EEE"));
const routes = _.range(50).map((i) => ({ path: `/r/${i}`, ttl: i }));
const config = YAML.parse(YAML.stringify({ routes }));
const bySku = _.keyBy(checked.items, "sku");
const body = JSON.stringify({
  libraries,
  htmlBytes: page.length,
  days: calendar.length,
  skus: _.size(bySku),
  routes: config.routes.length,
});

addEventListener("fetch", (event) => {
  event.respondWith(new Response(body, { headers: { "content-type": "application/json" } }));
});
