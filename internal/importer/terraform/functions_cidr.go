package terraform

import (
	"fmt"
	"math/big"
	"net"
	"net/netip"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Terraform's CIDR functions, for templates that compute addresses (security groups, targets
// registered by IP).

var cidrSubnetFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "newbits", Type: cty.Number}, {Name: "netnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := netip.ParsePrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		newbits, _ := args[1].AsBigFloat().Int64()
		netnum, _ := args[2].AsBigFloat().Int(nil)
		total := p.Addr().BitLen()
		if newbits < 0 || newbits > int64(total) {
			return cty.NilVal, function.NewArgErrorf(1, "must be between 0 and %d", total)
		}
		length := p.Bits() + int(newbits)
		if length > total {
			return cty.NilVal, function.NewArgErrorf(1, "would extend the prefix to %d bits, over the %d an address has", length, total)
		}
		if netnum.Sign() < 0 || netnum.BitLen() > int(newbits) {
			return cty.NilVal, function.NewArgErrorf(2, "%s does not fit in %d bits", netnum, newbits)
		}
		addr, err := addToAddr(p.Masked().Addr(), new(big.Int).Lsh(netnum, uint(total-length)))
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(netip.PrefixFrom(addr, length).String()), nil
	},
})

var cidrHostFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "hostnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := netip.ParsePrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		hostnum, _ := args[1].AsBigFloat().Int(nil)
		size := new(big.Int).Lsh(big.NewInt(1), uint(p.Addr().BitLen()-p.Bits()))
		if hostnum.Sign() < 0 {
			hostnum.Add(hostnum, size) // -1 is the last address, as in Terraform
		}
		if hostnum.Sign() < 0 || hostnum.Cmp(size) >= 0 {
			return cty.NilVal, function.NewArgErrorf(1, "host number is outside %s", p)
		}
		addr, err := addToAddr(p.Masked().Addr(), hostnum)
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(addr.String()), nil
	},
})

var cidrNetmaskFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := netip.ParsePrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		if !p.Addr().Is4() {
			return cty.NilVal, function.NewArgErrorf(0, "only IPv4 prefixes have a netmask")
		}
		return cty.StringVal(net.IP(net.CIDRMask(p.Bits(), 32)).String()), nil
	},
})

// addToAddr adds n to an address.
func addToAddr(a netip.Addr, n *big.Int) (netip.Addr, error) {
	b := a.AsSlice()
	sum := new(big.Int).Add(new(big.Int).SetBytes(b), n)
	if sum.BitLen() > len(b)*8 {
		return netip.Addr{}, fmt.Errorf("address overflows %s", a)
	}
	out := sum.FillBytes(make([]byte, len(b)))
	addr, _ := netip.AddrFromSlice(out)
	return addr, nil
}
