package elbv2

import (
	"sort"
	"strconv"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
)

// Authentication actions on the wire (ACT-01, AUTH-01, JWT-01): Action.N.AuthenticateOidcConfig,
// AuthenticateCognitoConfig and JwtValidationConfig with the API's member names; the extra
// request parameters are a query map (AuthenticationRequestExtraParams.entry.N.key/value).
// Responses never carry an OIDC client secret, as AWS's do not.

func parseAuthConfigs(m controlapi.Form, a *config.Action) error {
	if m.HasPrefix("AuthenticateOidcConfig") {
		o := m.Sub("AuthenticateOidcConfig")
		c := &config.AuthenticateOidcConfig{Issuer: o.String("Issuer"), AuthorizationEndpoint: o.String("AuthorizationEndpoint"),
			TokenEndpoint: o.String("TokenEndpoint"), UserInfoEndpoint: o.String("UserInfoEndpoint"),
			ClientID: o.String("ClientId"), ClientSecret: o.String("ClientSecret")}
		var err error
		if c.UseExistingClientSecret, err = o.Bool("UseExistingClientSecret"); err != nil {
			return err
		}
		if c.AuthSession, err = parseAuthSession(o); err != nil {
			return err
		}
		a.AuthenticateOidcConfig = c
	}
	if m.HasPrefix("AuthenticateCognitoConfig") {
		o := m.Sub("AuthenticateCognitoConfig")
		c := &config.AuthenticateCognitoConfig{UserPoolArn: o.String("UserPoolArn"), UserPoolClientID: o.String("UserPoolClientId"),
			UserPoolDomain: o.String("UserPoolDomain")}
		var err error
		if c.AuthSession, err = parseAuthSession(o); err != nil {
			return err
		}
		a.AuthenticateCognitoConfig = c
	}
	if m.HasPrefix("JwtValidationConfig") {
		o := m.Sub("JwtValidationConfig")
		c := &config.JwtValidationConfig{JwksEndpoint: o.String("JwksEndpoint"), Issuer: o.String("Issuer")}
		for _, claim := range o.Members("AdditionalClaims") {
			c.AdditionalClaims = append(c.AdditionalClaims, config.JwtClaim{Format: claim.String("Format"), Name: claim.String("Name"),
				Values: claim.Strings("Values")})
		}
		a.JwtValidationConfig = c
	}
	return nil
}

func parseAuthSession(o controlapi.Form) (config.AuthSession, error) {
	s := config.AuthSession{SessionCookieName: o.String("SessionCookieName"), Scope: o.String("Scope"),
		OnUnauthenticatedRequest: o.String("OnUnauthenticatedRequest")}
	timeout, err := o.Int("SessionTimeout")
	if err != nil {
		return s, err
	}
	if timeout != nil {
		t := int64(*timeout)
		s.SessionTimeout = &t
	}
	for _, e := range mapEntries(o.Sub("AuthenticationRequestExtraParams")) {
		if s.AuthenticationRequestExtraParams == nil {
			s.AuthenticationRequestExtraParams = map[string]string{}
		}
		s.AuthenticationRequestExtraParams[e.Key] = e.Value
	}
	return s, nil
}

// mapEntries reads a query map: entry.N.key and entry.N.value.
func mapEntries(f controlapi.Form) []xmlEntry {
	var out []xmlEntry
	for i := 1; ; i++ {
		e := f.Sub("entry." + strconv.Itoa(i))
		if !e.Has("key") {
			break
		}
		out = append(out, xmlEntry{Key: e.String("key"), Value: e.String("value")})
	}
	return out
}

// keepClientSecrets applies UseExistingClientSecret (ModifyRule, ModifyListener): an OIDC action
// that asks for it gets the secret of the OIDC action it replaces.
func keepClientSecrets(old, updated []config.Action) {
	secret := ""
	for _, a := range old {
		if a.AuthenticateOidcConfig != nil {
			secret = a.AuthenticateOidcConfig.ClientSecret
		}
	}
	for i := range updated {
		c := updated[i].AuthenticateOidcConfig
		if c != nil && c.UseExistingClientSecret != nil && *c.UseExistingClientSecret && c.ClientSecret == "" {
			c.ClientSecret = secret
		}
	}
}

type xmlOidc struct {
	Issuer                           string     `xml:"Issuer"`
	AuthorizationEndpoint            string     `xml:"AuthorizationEndpoint"`
	TokenEndpoint                    string     `xml:"TokenEndpoint"`
	UserInfoEndpoint                 string     `xml:"UserInfoEndpoint"`
	ClientID                         string     `xml:"ClientId"`
	SessionCookieName                string     `xml:"SessionCookieName"`
	Scope                            string     `xml:"Scope"`
	SessionTimeout                   int64      `xml:"SessionTimeout"`
	AuthenticationRequestExtraParams []xmlEntry `xml:"AuthenticationRequestExtraParams>entry"`
	OnUnauthenticatedRequest         string     `xml:"OnUnauthenticatedRequest"`
}

type xmlCognito struct {
	UserPoolArn                      string     `xml:"UserPoolArn"`
	UserPoolClientID                 string     `xml:"UserPoolClientId"`
	UserPoolDomain                   string     `xml:"UserPoolDomain"`
	SessionCookieName                string     `xml:"SessionCookieName"`
	Scope                            string     `xml:"Scope"`
	SessionTimeout                   int64      `xml:"SessionTimeout"`
	AuthenticationRequestExtraParams []xmlEntry `xml:"AuthenticationRequestExtraParams>entry"`
	OnUnauthenticatedRequest         string     `xml:"OnUnauthenticatedRequest"`
}

type xmlJwt struct {
	JwksEndpoint     string     `xml:"JwksEndpoint"`
	Issuer           string     `xml:"Issuer"`
	AdditionalClaims []xmlClaim `xml:"AdditionalClaims>member,omitempty"`
}

type xmlClaim struct {
	Format string   `xml:"Format"`
	Name   string   `xml:"Name"`
	Values []string `xml:"Values>member"`
}

type xmlEntry struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

// renderAuthConfigs fills the authentication config of x from a, defaults applied as AWS
// reports them (AUTH-01).
func renderAuthConfigs(x *xmlAction, a *config.Action) {
	if c := a.AuthenticateOidcConfig; c != nil {
		x.AuthenticateOidcConfig = &xmlOidc{Issuer: c.Issuer, AuthorizationEndpoint: c.AuthorizationEndpoint, TokenEndpoint: c.TokenEndpoint,
			UserInfoEndpoint: c.UserInfoEndpoint, ClientID: c.ClientID, SessionCookieName: c.EffectiveSessionCookieName(),
			Scope: c.EffectiveScope(), SessionTimeout: c.EffectiveSessionTimeout(),
			AuthenticationRequestExtraParams: entries(c.AuthenticationRequestExtraParams), OnUnauthenticatedRequest: c.EffectiveOnUnauthenticatedRequest()}
	}
	if c := a.AuthenticateCognitoConfig; c != nil {
		x.AuthenticateCognitoConfig = &xmlCognito{UserPoolArn: c.UserPoolArn, UserPoolClientID: c.UserPoolClientID, UserPoolDomain: c.UserPoolDomain,
			SessionCookieName: c.EffectiveSessionCookieName(), Scope: c.EffectiveScope(), SessionTimeout: c.EffectiveSessionTimeout(),
			AuthenticationRequestExtraParams: entries(c.AuthenticationRequestExtraParams), OnUnauthenticatedRequest: c.EffectiveOnUnauthenticatedRequest()}
	}
	if c := a.JwtValidationConfig; c != nil {
		j := &xmlJwt{JwksEndpoint: c.JwksEndpoint, Issuer: c.Issuer}
		for _, claim := range c.AdditionalClaims {
			j.AdditionalClaims = append(j.AdditionalClaims, xmlClaim{Format: claim.Format, Name: claim.Name, Values: claim.Values})
		}
		x.JwtValidationConfig = j
	}
}

// entries lists a map's pairs sorted by key, for stable output.
func entries(m map[string]string) []xmlEntry {
	out := make([]xmlEntry, 0, len(m))
	for k, v := range m {
		out = append(out, xmlEntry{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
