import type { Compliance } from '../bindings/Compliance';

function yesNo(v: boolean | null | undefined): string {
  return v === true ? 'yes' : v === false ? 'no' : 'unknown';
}

/** The compliance picture; criminal activity reported by the background check is said plainly, in red. */
export function ComplianceFacts({ compliance }: { compliance: Compliance | null }) {
  const c = compliance;
  return (
    <section className="money-compliance" aria-labelledby="compliance-title" data-testid="user-compliance">
      {c?.has_criminal_activity === true ? (
        <p className="criminal-banner" role="alert" data-testid="criminal-activity">
          Criminal activity reported by the background check
        </p>
      ) : null}
      <h3 id="compliance-title">Compliance</h3>
      {c ? (
        <dl className="money-dl">
          <dt>Tax id verification</dt>
          <dd data-testid="user-tax-id-verification">{c.tax_id_verification ?? 'unknown'}</dd>
          <dt>ID verified</dt>
          <dd data-testid="user-id-verified">{yesNo(c.id_verified)}</dd>
          <dt>Background check</dt>
          <dd data-testid="user-background-check">
            {c.background_check?.status ?? 'none'}
            {c.background_check?.updated ? ` (updated ${new Date(c.background_check.updated).toLocaleDateString()})` : ''}
          </dd>
          <dt>Criminal activity</dt>
          <dd data-testid="user-criminal-activity">{c.has_criminal_activity === true ? 'REPORTED' : yesNo(c.has_criminal_activity)}</dd>
          {c.flagged ? (
            <>
              <dt>Flagged</dt>
              <dd data-testid="user-flagged">yes</dd>
            </>
          ) : null}
        </dl>
      ) : (
        <p className="hint" data-testid="user-compliance-none">
          Dots sent no compliance details for this user.
        </p>
      )}
    </section>
  );
}
