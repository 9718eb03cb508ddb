package auth

import "strings"

// CognitoProvider returns the OpenID endpoints of an Amazon Cognito user pool's hosted UI: the
// issuer is the pool's (https://cognito-idp.<region>.amazonaws.com/<pool id>); the
// authorization, token and userinfo endpoints live on the pool's domain, either a prefix
// (<prefix>.auth.<region>.amazoncognito.com) or a custom domain (any name with a dot).
func CognitoProvider(region, poolID, domain, clientID, clientSecret string) Provider {
	host := domain
	if !strings.Contains(domain, ".") {
		host = domain + ".auth." + region + ".amazoncognito.com"
	}
	base := "https://" + host + "/oauth2/"
	return Provider{
		Issuer:                "https://cognito-idp." + region + ".amazonaws.com/" + poolID,
		AuthorizationEndpoint: base + "authorize",
		TokenEndpoint:         base + "token",
		UserInfoEndpoint:      base + "userInfo",
		ClientID:              clientID,
		ClientSecret:          clientSecret,
	}
}
