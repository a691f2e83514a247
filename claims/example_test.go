package claims_test

import (
	"encoding/json"
	"fmt"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/jwtguard/jwtguard/claims"
)

func ExampleScopes() {
	var tok struct {
		Scope claims.Scopes `json:"scope"`
	}
	for _, payload := range []string{
		`{"scope":"profile email"}`,                    // RFC 6749, Keycloak
		`{"scope":"openid profile tenant:acme,admin"}`, // a comma is part of a name
		`{"scope":["profile","orders:read"]}`,
	} {
		if err := json.Unmarshal([]byte(payload), &tok); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%q has admin: %v\n", []string(tok.Scope), tok.Scope.Has("admin"))
	}
	// Output:
	// ["profile" "email"] has admin: false
	// ["openid" "profile" "tenant:acme,admin"] has admin: false
	// ["profile" "orders:read"] has admin: false
}

func ExampleCommaScopes() {
	// Only the claims type of an issuer that documents comma-separated
	// scopes (Ansira) reads them with CommaScopes.
	var tok struct {
		Scope claims.CommaScopes `json:"scope"`
	}
	for _, payload := range []string{
		`{"scope":"campaigns:read,assets:read"}`,
		`{"scope":"campaigns:read, assets:read"}`,
		`{"scope":["campaigns:read","assets:read"]}`,
	} {
		if err := json.Unmarshal([]byte(payload), &tok); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%q has assets:read: %v\n", []string(tok.Scope), tok.Scope.Has("assets:read"))
	}
	// Output:
	// ["campaigns:read" "assets:read"] has assets:read: true
	// ["campaigns:read" "assets:read"] has assets:read: true
	// ["campaigns:read" "assets:read"] has assets:read: true
}

func ExampleScopes_HasAll() {
	s := claims.Scopes{"orders:read", "orders:write"}
	fmt.Println(s.HasAll("orders:read", "orders:write"))
	fmt.Println(s.HasAll("orders:read", "admin"))
	fmt.Println(s.HasAny("orders:read", "admin"))
	fmt.Println(s)
	// Output:
	// true
	// false
	// true
	// orders:read orders:write
}

func ExampleAudience_Contains() {
	var tok struct {
		Aud claims.Audience `json:"aud"`
	}
	for _, payload := range []string{`{"aud":"account"}`, `{"aud":["account","ea-api-edge"]}`, `{"aud":42}`} {
		if err := json.Unmarshal([]byte(payload), &tok); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(tok.Aud.Contains("ea-api-edge"))
	}
	// Output:
	// false
	// true
	// claims: invalid Audience: got JSON number, want string or array of strings
}

func ExampleNumericDate() {
	var tok struct {
		Exp claims.NumericDate `json:"exp,omitzero"`
		Nbf claims.NumericDate `json:"nbf,omitzero"`
	}
	if err := json.Unmarshal([]byte(`{"exp":1700000000.5}`), &tok); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok.Exp.Format(time.RFC3339Nano))
	fmt.Println("nbf absent:", tok.Nbf.IsZero())

	out, _ := json.Marshal(tok)
	fmt.Println(string(out))

	err := json.Unmarshal([]byte(`{"exp":"1700000000"}`), &tok)
	fmt.Println(err)
	// Output:
	// 2023-11-14T22:13:20.5Z
	// nbf absent: true
	// {"exp":1700000000.5}
	// claims: invalid NumericDate: got JSON string, want number
}

func ExampleKeycloak_HasRealmRole() {
	payload := []byte(`{
		"typ": "Bearer",
		"azp": "ea-api-edge",
		"realm_access": {"roles": ["offline_access", "uma_authorization"]},
		"resource_access": {"account": {"roles": ["view-profile"]}}
	}`)
	var k claims.Keycloak
	if err := jsonv2.Unmarshal(payload, &k); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(k.HasRealmRole("uma_authorization"))
	fmt.Println(k.HasRealmRole("view-profile"))
	fmt.Println(k.HasClientRole("account", "view-profile"))
	// Output:
	// true
	// false
	// true
}

func ExampleKeycloak_Claim() {
	// The verifier decodes with github.com/go-json-experiment/json, which
	// fills Extra with every claim Keycloak has no field for.
	payload := []byte(`{"typ":"Bearer","session_state":"s-1","account_ids":"118466"}`)
	var k claims.Keycloak
	if err := jsonv2.Unmarshal(payload, &k); err != nil {
		fmt.Println(err)
		return
	}
	ids, ok := k.Claim("account_ids")
	fmt.Println(ids, ok)
	fmt.Println(k.Session())
	// Output:
	// 118466 true
	// s-1
}

func ExampleCarrier() {
	// PartnerClaims is a custom issuer's claims type: embedding Registered
	// makes *PartnerClaims a Carrier.
	type PartnerClaims struct {
		claims.Registered
		Partner string `json:"partner"`
	}
	var c PartnerClaims
	if err := jsonv2.Unmarshal([]byte(`{"iss":"https://partner.example","exp":1700003600,"partner":"p1"}`), &c); err != nil {
		fmt.Println(err)
		return
	}
	if carrier, ok := any(&c).(claims.Carrier); ok {
		r := carrier.RegisteredClaims()
		fmt.Println(r.Issuer, r.ExpiresAt.Unix())
	}
	fmt.Println(c.Partner)
	// Output:
	// https://partner.example 1700003600
	// p1
}

func ExampleMap_Strings() {
	var m claims.Map
	if err := json.Unmarshal([]byte(`{"aud":"account","groups":["a","b"],"exp":1700000000}`), &m); err != nil {
		fmt.Println(err)
		return
	}
	aud, _ := m.Strings("aud")
	groups, _ := m.Strings("groups")
	exp, _ := m.Time("exp")
	fmt.Println(aud, groups, exp)
	// Output:
	// [account] [a b] 2023-11-14 22:13:20 +0000 UTC
}
