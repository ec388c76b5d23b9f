/**
 * Built-ins the hook calls, captured when the hook's bundle is evaluated: at document_start, before any
 * page script, so a page that later replaces `Object.getOwnPropertyDescriptor`, `Array.isArray`,
 * `JSON.parse` or `Reflect.get` can neither break nor steer the hook. Module constants, reachable from
 * no page object. (src/page/natives.ts keeps the per-window ones: timers, the page clock, `Promise`.)
 * In src/shared because the parsers and the summariser the hook shares with the HAR import use them;
 * outside the page (the HAR import, tests) they are simply the realm's own.
 */
export const getOwnDescriptor = Object.getOwnPropertyDescriptor;
export const ownKeys = Object.keys;
export const protoOf = Object.getPrototypeOf;
export const isArray = Array.isArray;
export const reflectGet = Reflect.get;
export const reflectApply = Reflect.apply;
export const parseJson = JSON.parse;
const objectToString = Object.prototype.toString;
const hasOwnProperty = Object.prototype.hasOwnProperty;
/** `Object.prototype.toString.call(value)`, with the captured native. */
export const tagOf = (value: unknown): string => reflectApply(objectToString, value, []) as string;
/** `Object.prototype.hasOwnProperty.call(obj, key)`, with the captured native. */
export const hasOwn = (obj: object, key: PropertyKey): boolean => reflectApply(hasOwnProperty, obj, [key]) as boolean;
/** The realm's `Node` constructor (undefined outside a browser), for `instanceof` checks. */
export const NodeCtor: (new () => Node) | undefined = typeof Node === 'function' ? Node : undefined;
/** The realm's `Promise`. */
export const PromiseCtor = Promise;
/** The realm's `URL`, for parsing request URLs the page hands to fetch, XHR and WebSocket. */
export const URLCtor = URL;
