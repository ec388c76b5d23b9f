/**
 * The private hook ↔ relay channel (src/shared/channel.ts) on a happy-dom document: both start orders
 * connect, and a page script can neither reach the channel nor make the relay take its messages.
 */
import { describe, expect, it } from 'vitest';
import { acceptChannel, offerChannel } from '../../src/shared/channel';
import { CHANNEL_OFFER_EVENT, CHANNEL_REQUEST_EVENT, PAGE_EVENT_NAME } from '../../src/shared/constants';
import { freshWindow } from '../helpers/hookHarness';

async function setup() {
  const win = await freshWindow();
  const doc = win.document;
  const received: string[] = [];
  const dispatch = win.EventTarget.prototype.dispatchEvent.bind(doc);
  const hook = () => {
    let ready = false;
    const node = offerChannel(doc, dispatch, () => (ready = true));
    return {
      node,
      ready: () => ready,
      send: (detail: string) => node.dispatchEvent(new win.CustomEvent(PAGE_EVENT_NAME, { detail })),
    };
  };
  const relay = () => acceptChannel(doc, PAGE_EVENT_NAME, (e) => received.push((e as CustomEvent).detail)).connected;
  /** What a page script does: any DOM change (the parser's first node does the same). */
  const pageContentArrives = async () => {
    doc.body.appendChild(doc.createElement('div'));
    await new Promise((r) => setTimeout(r, 0));
  };
  return { win, doc, received, hook, relay, pageContentArrives };
}

describe('hook ↔ relay channel', () => {
  it('connects when the relay starts first, and carries the hook’s messages', async () => {
    const t = await setup();
    const connected = t.relay();
    const h = t.hook();
    expect(connected()).toBe(true);
    expect(h.ready()).toBe(true);
    h.send('{"from":"hook"}');
    expect(t.received).toEqual(['{"from":"hook"}']);
  });

  it('connects when the hook starts first (the relay asks for the offer)', async () => {
    const t = await setup();
    const h = t.hook();
    expect(h.ready()).toBe(false);
    const connected = t.relay();
    expect(connected()).toBe(true);
    expect(h.ready()).toBe(true);
    h.send('x');
    expect(t.received).toEqual(['x']);
  });

  it('never takes a message a page dispatches on the document', async () => {
    const t = await setup();
    t.relay();
    t.hook();
    await t.pageContentArrives();
    t.doc.dispatchEvent(new t.win.CustomEvent(PAGE_EVENT_NAME, { detail: '{"forged":true}' }));
    expect(t.received).toEqual([]);
  });

  it('gives a page no way to the channel: no offer answers its request once the page has content', async () => {
    const t = await setup();
    t.relay();
    t.hook();
    await t.pageContentArrives();
    const seen: unknown[] = [];
    t.doc.addEventListener(CHANNEL_OFFER_EVENT, (e) => seen.push((e as MouseEvent).relatedTarget));
    t.doc.dispatchEvent(new t.win.CustomEvent(CHANNEL_REQUEST_EVENT));
    expect(seen).toEqual([]);
  });

  it('lets no page offer its own channel to a relay that is still waiting once the page has content', async () => {
    const t = await setup();
    const connected = t.relay(); // no hook in this frame
    await t.pageContentArrives();
    const fake = t.doc.createElement('span');
    t.doc.dispatchEvent(new t.win.MouseEvent(CHANNEL_OFFER_EVENT, { relatedTarget: fake }));
    fake.dispatchEvent(new t.win.CustomEvent(PAGE_EVENT_NAME, { detail: '{"forged":true}' }));
    expect(connected()).toBe(false);
    expect(t.received).toEqual([]);
  });

  it('ignores a second offer once connected', async () => {
    const t = await setup();
    t.relay();
    t.hook();
    const fake = t.doc.createElement('span');
    t.doc.dispatchEvent(new t.win.MouseEvent(CHANNEL_OFFER_EVENT, { relatedTarget: fake }));
    fake.dispatchEvent(new t.win.CustomEvent(PAGE_EVENT_NAME, { detail: 'forged' }));
    expect(t.received).toEqual([]);
  });
});
