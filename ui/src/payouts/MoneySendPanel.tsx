import { ErrorNote } from '../components/ErrorNote';
import { formatCents, formatLimit } from './cents';
import { MoneyConfirmDialog } from './MoneyConfirmDialog';
import { OutcomeNote } from './OutcomeNote';
import { PayoutLinkCard } from './PayoutLinkCard';
import { UnresolvedNote } from './UnresolvedNote';
import type { MoneySend } from './useMoneySend';

type Props = { money: MoneySend };

/** Everything after the form: the confirm dialogs, the unsettled-payment choice, errors, the outcome. */
export function MoneySendPanel({ money }: Props) {
  const { pending, unresolved, outcome, env } = money;
  return (
    <>
      {money.busy ? (
        <p className="hint" data-testid="money-busy">
          {money.busy}
        </p>
      ) : null}
      {money.error ? <ErrorNote error={money.error.error} context={money.error.context} /> : null}
      {unresolved ? (
        <UnresolvedNote unresolved={unresolved} busy={money.busy !== null} onRetry={money.retry} onNewAnyway={money.askReplacing} />
      ) : null}
      {outcome ? <OutcomeNote outcome={outcome} busy={money.busy !== null} onRetry={money.retry} /> : null}
      {outcome?.payout_link && money.outcomeEnvId ? (
        <PayoutLinkCard key={outcome.payout_link.id} initial={outcome.payout_link} environmentId={money.outcomeEnvId} />
      ) : null}
      {pending ? (
        <MoneyConfirmDialog
          title={`${pending.summary.title}: confirm`}
          sentence={pending.summary.sentence}
          facts={[
            { label: 'Amount', value: pending.summary.amount_text, testId: 'money-summary-amount' },
            { label: 'Recipient', value: pending.summary.recipient, testId: 'money-summary-recipient' },
            { label: 'Direction', value: pending.summary.direction, testId: 'money-summary-direction' },
            {
              label: 'Environment',
              value: `${pending.summary.environment}${pending.summary.is_production ? ' (PRODUCTION: real money)' : ''}`,
              testId: 'money-summary-environment',
            },
            {
              label: 'Limits',
              value: `${formatLimit(pending.summary.limits.per_action_cents)} per action, ${formatLimit(pending.summary.limits.per_day_cents)} per day`,
              testId: 'money-summary-limits',
            },
            { label: 'Spent today', value: formatCents(pending.summary.spent_today_cents), testId: 'money-summary-spent' },
          ]}
          requiresTypedAmount={pending.summary.requires_typed_amount}
          confirmLabel={`Confirm: send ${pending.summary.amount_text}`}
          onConfirm={money.confirm}
          onCancel={money.cancel}
        />
      ) : null}
      {money.replacingAsked && unresolved?.intent && env ? (
        <MoneyConfirmDialog
          title="New payment beside an unsettled one?"
          sentence={`A new ${unresolved.request.kind === 'fund' ? 'wallet funding' : 'payout link'} of ${unresolved.request.amount} in ${env.name}, while the earlier one (intent ${unresolved.intent.id}) may still have been paid.`}
          facts={[
            { label: 'Amount', value: unresolved.request.amount, testId: 'money-summary-amount' },
            { label: 'Recipient', value: unresolved.intent.recipient, testId: 'money-summary-recipient' },
            { label: 'Environment', value: `${env.name}${env.is_production ? ' (PRODUCTION: real money)' : ''}`, testId: 'money-summary-environment' },
          ]}
          warning="If the earlier payment went through, the recipient is paid twice."
          requiresTypedAmount={env.is_production}
          confirmLabel="Yes, make a new payment"
          onConfirm={money.confirmReplacing}
          onCancel={money.cancel}
        />
      ) : null}
    </>
  );
}
