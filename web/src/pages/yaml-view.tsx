/** A manifest as YAML (loaded on demand: the YAML library stays out of the first page load). */
import { stringify } from 'yaml';
import type { Json } from '../api/types';

export default function YamlView({ doc }: { doc: Json }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <pre className="code manifest" tabIndex={0}>
      {stringify(doc, { lineWidth: 0 })}
    </pre>
  );
}
