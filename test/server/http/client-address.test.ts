import { expect } from "chai";
import { clientNetwork } from "../../../server/http/client-address.js";

describe("server/http/client-address: clientNetwork", () => {
  it("keeps an IPv4 address, and the IPv4 address inside an IPv4-mapped IPv6 one", () => {
    expect(clientNetwork("192.0.2.7")).to.equal("192.0.2.7");
    expect(clientNetwork("::ffff:192.0.2.7")).to.equal("192.0.2.7");
    expect(clientNetwork("::FFFF:c000:0207")).to.equal("192.0.2.7");
  });

  it("counts an IPv6 address as its /64, however it is written", () => {
    const net = "2001:db8:aa:bb::/64";
    for (const a of ["2001:db8:aa:bb::1", "2001:0db8:00aa:00bb:ffff:ffff:ffff:ffff", "2001:DB8:AA:BB:1:2:3:4", "2001:db8:aa:bb::1%eth0", "2001:db8:aa:bb:0:0:1.2.3.4"]) {
      expect(clientNetwork(a), a).to.equal(net);
    }
    expect(clientNetwork("2001:db8:aa:bc::1")).not.to.equal(net);
    expect(clientNetwork("::1")).to.equal("0:0:0:0::/64");
    expect(clientNetwork("fe80::1")).to.equal("fe80:0:0:0::/64");
  });

  it("leaves anything else as it is", () => {
    expect(clientNetwork("unknown")).to.equal("unknown");
  });
});
