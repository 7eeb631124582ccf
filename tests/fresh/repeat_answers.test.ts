/** Answers the server may give again to the next plain GET of the same URL. */
import assert from "node:assert/strict";
import { fixedResponse } from "../../lib/fresh/fixed_response.ts";
import { repeatable, RepeatAnswers } from "../../lib/fresh/repeat_answers.ts";

const json = { "content-type": "application/json" };

Deno.test("a marked fixed answer is given again while it is current", () => {
  const repeats = new RepeatAnswers();
  let current = true;
  const answer = repeatable(fixedResponse(200, "{}", json), () => current);
  repeats.offer("http://a/x", answer);
  assert.equal(repeats.take("http://a/x"), answer);
  assert.equal(repeats.take("http://a/x?other"), undefined);
  current = false;
  assert.equal(repeats.take("http://a/x"), undefined);
  // Once stale it is forgotten, even if it would say current again.
  current = true;
  assert.equal(repeats.take("http://a/x"), undefined);
  assert.equal(repeats.size, 0);
});

Deno.test("only a marked, whole, 200 answer for everyone is kept", async () => {
  const repeats = new RepeatAnswers();
  const always = () => true;
  const read = repeatable(fixedResponse(200, "{}", json), always);
  await read.text();
  const cases: [string, Response][] = [
    ["not marked", fixedResponse(200, "{}", json)],
    ["not fixed", repeatable(new Response("{}"), always)],
    ["not 200", repeatable(fixedResponse(404, "{}", json), always)],
    [
      "varies",
      repeatable(fixedResponse(200, "{}", { vary: "accept" }), always),
    ],
    [
      "sets a cookie",
      repeatable(fixedResponse(200, "{}", { "set-cookie": "a=b" }), always),
    ],
    ["body already read", read],
  ];
  for (const [why, response] of cases) {
    repeats.offer(`http://a/${why}`, response);
    assert.equal(repeats.take(`http://a/${why}`), undefined, why);
  }
});

Deno.test("the answers kept are bounded, whatever the URLs asked", () => {
  const repeats = new RepeatAnswers(4);
  for (let i = 0; i < 10; i++) {
    repeats.offer(
      `http://a/x?n=${i}`,
      repeatable(fixedResponse(200, "{}", json), () => true),
    );
    assert.ok(repeats.size <= 4);
  }
  assert.ok(repeats.take("http://a/x?n=9") !== undefined);
});
