// The work of a bench page (demo/bench/index.html), started while the head is parsed: five requests
// one after another by fetch or XMLHttpRequest, or five messages over a WebSocket to a local echo.
// `window.__bench` tells the benchmark when the work is done (doneAt: ms since navigation start).
(function () {
  var params = new URLSearchParams(location.search);
  var work = params.get('work') || 'fetch';
  var ROUNDS = 5;
  var bench = (window.__bench = { work: work, doneAt: null, error: null });
  var url = function (i) {
    return '/bench/data.json?i=' + i;
  };

  function viaFetch(i) {
    return fetch(url(i)).then(function (res) {
      return res.json();
    });
  }

  function viaXhr(i) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open('GET', url(i));
      xhr.onload = function () {
        resolve(JSON.parse(xhr.responseText));
      };
      xhr.onerror = function () {
        reject(new Error('XHR failed'));
      };
      xhr.send();
    });
  }

  function viaWebSocket() {
    return new Promise(function (resolve, reject) {
      var socket = new WebSocket(params.get('ws'));
      var echoed = 0;
      socket.onopen = function () {
        socket.send('bench 0');
      };
      socket.onmessage = function () {
        echoed++;
        if (echoed < ROUNDS) return socket.send('bench ' + echoed);
        socket.close();
        resolve();
      };
      socket.onerror = function () {
        reject(new Error('WebSocket failed'));
      };
    });
  }

  function sequence(step) {
    var chain = Promise.resolve();
    for (var i = 0; i < ROUNDS; i++) chain = chain.then(step.bind(null, i));
    return chain;
  }

  var done = work === 'ws' ? viaWebSocket() : sequence(work === 'xhr' ? viaXhr : viaFetch);
  done.then(
    function () {
      bench.doneAt = performance.now();
    },
    function (e) {
      bench.error = String(e);
    },
  );
  document.addEventListener('DOMContentLoaded', function () {
    document.getElementById('work').textContent = work;
    done.then(function () {
      document.getElementById('status').textContent = 'done';
    });
  });
})();
