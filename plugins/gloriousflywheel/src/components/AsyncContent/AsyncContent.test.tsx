import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { usePolling } from '../../hooks/usePolling';
import { AsyncContent, AsyncTable } from './AsyncContent';

/** A page's load through the real polling hook; `answers` are handed out one per load. */
function Harness({
  answers,
  compact,
}: {
  answers: (() => Promise<string[]>)[];
  compact?: boolean;
}) {
  const state = usePolling(
    () => (answers.shift() ?? (() => Promise.resolve(['late'])))(),
    [],
    0,
  );
  return (
    <AsyncContent
      state={state}
      isEmpty={v => v.length === 0}
      empty={{
        title: 'Nothing here',
        description: 'Configure it first',
        compact,
        action: <button type="button">Set up</button>,
      }}
      errorTitle="Things could not be loaded"
      loadingLabel="Loading things"
    >
      {v => <ul data-testid="things">{v.join(',')}</ul>}
    </AsyncContent>
  );
}

/** A load the test finishes by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('AsyncContent', () => {
  it('shows progress until the value arrives, then the children', async () => {
    const first = deferred<string[]>();
    await renderInTestApp(<Harness answers={[() => first.promise]} />);
    // Backstage's Progress appears after a short delay
    expect(await screen.findByLabelText('Loading things')).toBeInTheDocument();
    expect(screen.queryByTestId('things')).not.toBeInTheDocument();
    first.resolve(['a', 'b']);
    expect(await screen.findByTestId('things')).toHaveTextContent('a,b');
    expect(screen.queryByLabelText('Loading things')).not.toBeInTheDocument();
  });

  it('shows the error with a retry that loads again and then shows the value', async () => {
    const retried = deferred<string[]>();
    await renderInTestApp(
      <Harness
        answers={[
          () => Promise.reject(new Error('backend down')),
          () => retried.promise,
        ]}
      />,
    );
    expect(
      await screen.findByText(/Things could not be loaded/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/backend down/).length).toBeGreaterThan(0);
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    // while the retry is in flight the error stays, its button disabled
    expect(
      await screen.findByRole('button', { name: 'Retrying…' }),
    ).toBeDisabled();
    retried.resolve(['c']);
    expect(await screen.findByTestId('things')).toHaveTextContent('c');
    expect(
      screen.queryByText(/Things could not be loaded/),
    ).not.toBeInTheDocument();
  });

  it('shows the empty state with its action when the value is empty', async () => {
    await renderInTestApp(<Harness answers={[() => Promise.resolve([])]} />);
    expect(await screen.findByText('Nothing here')).toBeInTheDocument();
    expect(screen.getByText('Configure it first')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Set up' })).toBeInTheDocument();
    expect(screen.queryByTestId('things')).not.toBeInTheDocument();
  });

  it('shows a compact empty state as one line', async () => {
    await renderInTestApp(
      <Harness answers={[() => Promise.resolve([])]} compact />,
    );
    const title = await screen.findByText('Nothing here');
    expect(title.tagName).toBe('B');
    expect(title.parentElement).toHaveTextContent(
      'Nothing here. Configure it firstSet up',
    );
  });
});

/** A table with its own loading flag, loaded through the real polling hook. */
function TableHarness({ answers }: { answers: (() => Promise<string[]>)[] }) {
  const state = usePolling(
    () => (answers.shift() ?? (() => Promise.resolve(['late'])))(),
    [],
    0,
  );
  return (
    <AsyncTable state={state} errorTitle="Rows could not be loaded">
      {({ value, loading }) => (
        <table data-testid="rows" data-loading={String(loading)}>
          <tbody>
            <tr>
              <td>{value?.join(',') ?? ''}</td>
            </tr>
          </tbody>
        </table>
      )}
    </AsyncTable>
  );
}

describe('AsyncTable', () => {
  it('draws the table at once, loading until the first value', async () => {
    const first = deferred<string[]>();
    await renderInTestApp(<TableHarness answers={[() => first.promise]} />);
    const table = screen.getByTestId('rows');
    expect(table).toHaveAttribute('data-loading', 'true');
    expect(table.textContent).toBe('');
    first.resolve(['a', 'b']);
    await waitFor(() =>
      expect(screen.getByTestId('rows')).toHaveAttribute(
        'data-loading',
        'false',
      ),
    );
    expect(screen.getByTestId('rows')).toHaveTextContent('a,b');
  });

  it('shows the error with Retry instead of the table, and the table again after the retry', async () => {
    const retried = deferred<string[]>();
    await renderInTestApp(
      <TableHarness
        answers={[
          () => Promise.reject(new Error('backend down')),
          () => retried.promise,
        ]}
      />,
    );
    expect(
      await screen.findByText(/Rows could not be loaded/),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('rows')).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('button', { name: 'Retrying…' }),
    ).toBeDisabled();
    retried.resolve(['c']);
    expect(await screen.findByTestId('rows')).toHaveTextContent('c');
    expect(
      screen.queryByText(/Rows could not be loaded/),
    ).not.toBeInTheDocument();
  });
});
