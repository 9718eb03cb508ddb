// ES module in a nested directory (handler "esm/app.handler").
export const handler = async (event) => ({ module: 'esm', input: event.n * 2 });
