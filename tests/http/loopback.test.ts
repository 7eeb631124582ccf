import assert from "node:assert/strict";
import { isLoopbackAddress, isLoopbackName } from "../../lib/http/loopback.ts";

Deno.test("loopback addresses", async (t) => {
  await t.step("127.0.0.0/8, ::1 and IPv4-mapped 127/8 are loopback", () => {
    for (
      const address of [
        "127.0.0.1",
        "127.0.0.2",
        "127.255.255.254",
        "::1",
        "0:0:0:0:0:0:0:1",
        "[::1]",
        "::1%lo",
        "::ffff:127.0.0.1",
        "::FFFF:127.1.2.3",
        "::ffff:7f00:1",
        "0:0:0:0:0:ffff:7f00:0001",
      ]
    ) {
      assert.equal(isLoopbackAddress(address), true, address);
    }
  });
  await t.step("other addresses, broken ones and names are not", () => {
    for (
      const address of [
        "10.0.0.1",
        "128.0.0.1",
        "0.0.0.0",
        "192.168.1.127",
        "::",
        "::2",
        "1::1",
        "::ffff:10.0.0.1",
        "::ffff:8.8.8.8",
        "::127.0.0.1",
        "127.0.0.1.5",
        "127.0.0.256",
        "127.0.0",
        "1:2:3:4:5:6:7:8:9",
        "::1::",
        "fe80::1",
        "localhost",
        "",
      ]
    ) {
      assert.equal(isLoopbackAddress(address), false, address);
    }
  });
});

Deno.test("loopback host names", () => {
  for (
    const name of [
      "localhost",
      "LOCALHOST",
      "app.localhost",
      "localhost.",
      "127.0.0.1",
      "[::1]",
    ]
  ) {
    assert.equal(isLoopbackName(name), true, name);
  }
  for (
    const name of [
      "example.com",
      "localhost.example.com",
      "mylocalhost",
      "10.0.0.1",
      "[fe80::1]",
    ]
  ) {
    assert.equal(isLoopbackName(name), false, name);
  }
});
