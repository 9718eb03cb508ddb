// CommonJS, async handler: echoes the event and the context fields (context.md: Node.js).
exports.handler = async (event, context) => {
  const remaining = context.getRemainingTimeInMillis();
  return {
    event,
    awsRequestId: context.awsRequestId,
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    memoryLimitInMB: context.memoryLimitInMB,
    invokedFunctionArn: context.invokedFunctionArn,
    logGroupName: context.logGroupName,
    logStreamName: context.logStreamName,
    remainingPlausible: remaining > 0 && remaining <= 30000,
    traceId: process.env._X_AMZN_TRACE_ID,
  };
};
