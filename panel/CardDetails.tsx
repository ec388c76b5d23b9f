/**
 * Details of an OAuthCard or a signin/tokenExchange invoke: the card's SSO fields, each exchange attempt, the outcome.
 */
import { formatDuration } from '../src/analysis/model/format';
import type { OAuthCardOutcome, TokenExchangeInvoke } from '../src/analysis/model/webchat';
import { audienceText, LAYER_NAME } from '../src/analysis/rows/webchatRows';
import { JwtDetails } from './JwtDetails';

function Kv({ items }: { items: [string, string | undefined][] }) {
  return (
    <dl class="kv">{items.map(([k, v]) => [<dt key={`${k}-k`}>{k}</dt>, <dd key={`${k}-v`}>{v ?? '(none)'}</dd>])}</dl>
  );
}

function InvokeDetails({
  attempt,
  card,
  index,
}: {
  attempt: TokenExchangeInvoke;
  card: OAuthCardOutcome;
  index: number;
}) {
  const v = attempt.record.activity.tokenExchange;
  const http = attempt.http?.event;
  const post = attempt.post?.event;
  const store = attempt.storeResult?.event;
  const cls = attempt.succeeded === false ? 'sev-error' : attempt.succeeded === undefined ? 'sev-warning' : '';
  const resultText =
    attempt.succeeded === true ? '✔ Succeeded' : attempt.succeeded === false ? '✖ Failed' : '⚠ Result unknown';
  const sameId = v?.id && v.id === card.oauth.tokenExchangeResource?.id;
  const idText = `${v?.id ?? '(none)'}${sameId ? ' (= tokenExchangeResource.id)' : ' (≠ tokenExchangeResource.id)'}`;
  return (
    <section data-testid="invoke-attempt">
      <h3>Token exchange invoke #{index + 1}</h3>
      <p class={cls}>
        {resultText}: {attempt.verdict}.
      </p>
      <Kv
        items={[
          ['value.id', idText],
          ['value.connectionName', v?.connectionName],
          ['from.id', attempt.record.activity.from?.id],
          ['token audience', audienceText(attempt, card)],
          [
            'HTTP POST',
            http
              ? `${http.status ?? 'no response'} after ` +
                `${formatDuration(http.elapsedMs)}${http.error ? ` (${http.error})` : ''}`
              : 'not seen',
          ],
          [
            'postActivity()',
            post
              ? post.outcome === 'id'
                ? `id ${post.id}`
                : post.outcome === 'retry'
                  ? "'retry'"
                  : `error: ${post.error}`
              : 'not seen',
          ],
          ['Web Chat', store ? store.actionType : 'not seen'],
          [
            'seen by',
            attempt.record.sightings
              .map((s) => LAYER_NAME[s.layer])
              .filter((x, i, a) => a.indexOf(x) === i)
              .join(', '),
          ],
        ]}
      />
      {v?.token !== undefined ? (
        <JwtDetails token={v.token} capturedAt={attempt.record.sightings[0]!.entry.event.at} />
      ) : (
        <p class="sev-error">✖ The invoke carries no token.</p>
      )}
    </section>
  );
}

export function CardDetails({ card, focusKey }: { card: OAuthCardOutcome; focusKey?: string }) {
  const ter = card.oauth.tokenExchangeResource;
  const attempts =
    focusKey && card.invokes.some((i) => i.record.key === focusKey)
      ? card.invokes.filter((i) => i.record.key === focusKey)
      : card.invokes;
  return (
    <div data-testid="card-details">
      <section>
        <h3>OAuthCard</h3>
        <p class={card.outcome === 'shown' ? 'sev-warning' : ''} data-testid="card-outcome">
          Card <strong>{card.outcome}</strong>: {card.reason}.
        </p>
        <Kv
          items={[
            ['connectionName', card.oauth.connectionName],
            ['tokenExchangeResource.id', ter?.id],
            ['tokenExchangeResource.uri', ter?.uri],
            ['tokenExchangeResource.providerId', ter?.providerId],
            ['tokenPostResource.sasUrl', card.oauth.tokenPostResource?.sasUrl],
            ['text', card.oauth.text],
            ['activity id', card.record.activity.id],
            [
              'seen by',
              card.record.sightings
                .map((s) => LAYER_NAME[s.layer])
                .filter((x, i, a) => a.indexOf(x) === i)
                .join(', '),
            ],
          ]}
        />
      </section>
      {attempts.length === 0 ? (
        <p class="sev-warning">⚠ No signin/tokenExchange invoke was sent for this card.</p>
      ) : (
        attempts.map((a, i) => <InvokeDetails key={a.record.key} attempt={a} card={card} index={i} />)
      )}
    </div>
  );
}
