// The reference for the click benchmark: a bare node:http server answering the same 302 with no work.
import { createServer } from 'node:http';

const location = 'https://example.com/landing?click_id=0123456789abcdefghijklmn&sub1=abc';
const server = createServer((_req, res) => {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on ${server.address().port}`);
});
