/** A URL the UI does not know. */
import { Link } from 'react-router';
import { Empty, PageHeader, useTitle } from '../components/ui';

export function NotFoundPage() {
  useTitle('Not found');
  return (
    <>
      <PageHeader title="Page not found" />
      <Empty title="There is no page at this address">
        <p>
          Go to the <Link to="/">overview</Link> or search with <kbd>/</kbd>.
        </p>
      </Empty>
    </>
  );
}
