// How core-js installs a missing global (its defineGlobalProperty): a non-enumerable data property.
// The live chat widget needs a global `Observable`.
(function () {
  class Observable {
    constructor(subscriber) {
      this._subscriber = subscriber;
    }
    subscribe(observer) {
      return this._subscriber(observer);
    }
    static of() {
      var items = Array.prototype.slice.call(arguments);
      return new Observable(function (o) {
        items.forEach(function (i) {
          o.next(i);
        });
      });
    }
  }
  Object.defineProperty(window, 'Observable', { value: Observable, configurable: true, writable: true });
  window.__transparency.refs['Observable'] = Observable;
})();
