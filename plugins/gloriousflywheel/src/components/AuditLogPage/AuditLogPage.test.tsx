import { fireEvent, screen } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  AuditPage,
  AuditVerifyResult,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { GloriousFlywheelApi, gloriousFlywheelApiRef } from '../../api';
import { AuditLogPage } from './AuditLogPage';

const emptyPage: AuditPage = { items: [], total: 0, limit: 25, offset: 0 };

async function render(api: Partial<GloriousFlywheelApi>) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gloriousFlywheelApiRef, api as GloriousFlywheelApi],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <AuditLogPage />
    </TestApiProvider>,
  );
}

describe('AuditLogPage', () => {
  it('says when the hash chain could not be checked, and checks again on Retry', async () => {
    const intact: AuditVerifyResult = { ok: true, checked: 7 };
    const verifyAudit = jest
      .fn()
      .mockRejectedValueOnce(new Error('database unavailable'))
      .mockResolvedValueOnce(intact);
    await render({ verifyAudit, getAudit: async () => emptyPage });
    const chain = await screen.findByTestId('audit-chain');
    expect(chain).toHaveTextContent(
      'Hash chain not checked: database unavailable',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByText('Hash chain intact: 7 records verified.'),
    ).toBeInTheDocument();
    expect(verifyAudit).toHaveBeenCalledTimes(2);
  });

  it('shows the error of the records in place of their table', async () => {
    await render({
      verifyAudit: async () => ({ ok: true, checked: 0 }),
      getAudit: () => Promise.reject(new Error('records unavailable')),
    });
    expect(
      await screen.findByText(/The audit log could not be read/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/records unavailable/).length).toBeGreaterThan(
      0,
    );
    expect(
      screen.queryByText('Pause and resume attempts'),
    ).not.toBeInTheDocument();
  });
});
