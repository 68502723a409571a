import { Cue } from "runcue";
import { afterEach, describe, expect, test } from "vitest";
import { type Dashboard, serveDashboard } from "../src/index.js";

const cue = new Cue();
let open: Dashboard | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe("bad options are refused at the call, naming the option and what is accepted", () => {
  test.each([
    [{ port: -1 }, /option port -1: use a whole number from 0 to 65535/],
    [{ port: 70_000 }, /option port 70000/],
    [{ port: 1.5 }, /option port 1\.5/],
    [{ port: "4300" }, /option port "4300"/],
    [{ host: "" }, /option host "": use a host name or IP address/],
    [{ host: "local host" }, /option host "local host"/],
    [{ host: 127 }, /option host 127/],
    [{ token: 42 }, /option token 42: use a string of 8 to 256 visible characters/],
    [{ token: "short" }, /option token of 5 characters/],
    [{ token: "has a space" }, /option token of 11 characters/],
    [{ interval: 5_000 }, /option interval 5000: use milliseconds from 50 to 1000/],
    [{ title: 3 }, /option title 3/],
    [{ prot: 4300 }, /Unknown dashboard option "prot": accepted are port, host, token/],
    [{ panels: {} }, /option panels \{\}: use an array/],
    [{ panels: [{ id: "Bad Id", title: "x", module: "/x.js" }] }, /panel 0: "id" must be/],
    [
      { panels: [{ id: "a", title: "x", module: "relative.js" }] },
      /panel 0: "module" must be a file: URL or an absolute path/,
    ],
    [
      { panels: [{ id: "a", title: "x", module: "/x.js", data: 1 }] },
      /panel 0: "data" must be a function/,
    ],
    [
      {
        panels: [
          { id: "a", title: "x", module: "/x.js" },
          { id: "a", title: "y", module: "/y.js" },
        ],
      },
      /panel id "a" is used twice/,
    ],
    ["4300", /Dashboard options must be an object/],
  ])("%j", async (options, message) => {
    await expect(serveDashboard(cue, options as never)).rejects.toThrow(message);
  });

  test("a cue that is not one is refused", async () => {
    await expect(serveDashboard(undefined as never)).rejects.toThrow(
      /needs a runcue Cue as its first argument, got undefined/,
    );
  });

  test("a port in use says so and suggests 0", async () => {
    open = await serveDashboard(cue, { port: 0 });
    const port = Number(new URL(open.url).port);
    await expect(serveDashboard(cue, { port })).rejects.toThrow(
      `The dashboard cannot listen on 127.0.0.1:${port}: the port is in use (pass another port, or 0 for any free one)`,
    );
  });

  test("a host that is not this machine's says why it cannot listen", async () => {
    await expect(serveDashboard(cue, { port: 0, host: "192.0.2.1" })).rejects.toThrow(
      /The dashboard cannot listen on 192\.0\.2\.1:0: .*EADDRNOTAVAIL/,
    );
  });
});

test("it binds to 127.0.0.1 unless told otherwise", async () => {
  open = await serveDashboard(cue, { port: 0 });
  expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
});
