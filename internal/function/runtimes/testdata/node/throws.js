// Handlers that throw: a custom error class from an async handler, a TypeError from a sync one.
class ValidationError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ValidationError';
  }
}

exports.rejects = async () => {
  throw new ValidationError('name is required');
};

exports.throws = () => null.boom;

exports.nested = { deeper: { handler: async () => 'nested export' } };
