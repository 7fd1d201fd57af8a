// The reference for the click benchmark: a bare node:http server answering the same 302 as a
// tracking link does, with no work. Same headers in the same order, same framing (an empty body of
// `content-length: 0`, not chunked), same keep-alive timeout, and a location of the bench offers'
// shape and length; test/bench/reference-302.test.ts holds it to that.
import { createServer } from 'node:http';

const location = 'https://offer386.example.com/landing?click_id=0123456789abcdefghijklmn&sub1=s12345&pub=8';
const server = createServer((_req, res) => {
  res.writeHead(302, {
    location,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer-when-downgrade',
    'content-length': '0',
  });
  res.end();
});
server.keepAliveTimeout = 72_000; // as Trackwire's server (src/http/app.ts)
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on ${server.address().port}`);
});
