// Callback-style handler: answers after a timer, or fails through the callback.
exports.handler = function (event, context, callback) {
  if (event.fail) {
    callback(new Error('failed through the callback'));
    return;
  }
  setTimeout(() => callback(null, { via: 'callback', id: context.awsRequestId }), 10);
};

// Neither returns a promise nor calls the callback: AWS answers null once the event loop is empty.
exports.silent = function () {};

// Leaves a timer running but opts out of waiting for the event loop.
exports.leavesTimer = function (event, context, callback) {
  context.callbackWaitsForEmptyEventLoop = false;
  setInterval(() => {}, 1000);
  callback(null, 'posted without waiting');
};

// Throws outside the handler's promise chain: the invoke fails and the process exits.
exports.escapes = async function () {
  setTimeout(() => {
    throw new RangeError('thrown from a timer');
  }, 1);
  return new Promise(() => {});
};
