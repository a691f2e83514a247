// Command fakeidp runs jwtguard's fake issuers on loopback ports, so that
// the example server's profiles can be tried without a real Keycloak,
// Erply or Ansira:
//
//	go run ./internal/fakeidp/cmd/fakeidp
//
// It prints each fake's URLs, a chi-server command for each profile, and
// sample tokens, then runs until interrupted. The fakes sign tokens for
// anyone who asks: they listen on 127.0.0.1 only.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/jwtguard/jwtguard/internal/fakeidp"
)

func main() {
	legacy := flag.Bool("legacy", false, "serve the Keycloak realm under /auth/realms/{realm} (Keycloak before 17)")
	flag.Parse()
	if err := run(*legacy); err != nil {
		fmt.Fprintln(os.Stderr, "fakeidp:", err)
		os.Exit(1)
	}
}

func run(legacy bool) error {
	realm, err := fakeidp.StartRealm(fakeidp.RealmOptions{Legacy: legacy})
	if err != nil {
		return err
	}
	defer realm.Close()
	erply, err := fakeidp.StartErply(fakeidp.ErplyOptions{})
	if err != nil {
		return err
	}
	defer erply.Close()
	ansira, err := fakeidp.StartAnsira(fakeidp.AnsiraOptions{})
	if err != nil {
		return err
	}
	defer ansira.Close()

	fmt.Printf(`FAKE issuers (loopback only; they sign tokens for anyone):

Keycloak realm %[1]s
  issuer  %[2]s
  tokens  curl -s %[2]s%[3]s -d grant_type=password -d client_id=%[4]s -d username=jane -d password=x -d 'scope=openid reports:read' -d roles=admin
  API     go run ./examples/chi-server -profile keycloak -oidc %[2]s -azp %[4]s

Erply
  key     %[5]s
  API     go run ./examples/chi-server -profile erply -pem %[5]s -account %[6]s -insecure-skip-issuer -insecure-skip-audience
  TOKEN='%[7]s'

Ansira
  issuer  %[8]s
  tokens  curl -s %[9]s -u %[10]s:%[11]s -d grant_type=client_credentials -d scope=reports:read,campaigns:read
  API     go run ./examples/chi-server -profile ansira -jwks %[12]s -iss %[8]s -aud %[13]s -documented-statuses

Keycloak access token (typ Bearer, account_ids 118466), valid 5 minutes:
TOKEN='%[14]s'

Keycloak refresh token (HS256, typ Refresh), which the API must refuse:
REFRESH='%[15]s'

Ctrl-C stops.
`, realm.Name(), realm.Issuer, fakeidp.TokenPath, realm.ClientID,
		erply.PEMURL, fakeidp.DefaultErplyAccount, erply.Token(fakeidp.Claims{"permissions": []string{"reports:read"}}),
		ansira.Issuer, ansira.TokenURL, fakeidp.DefaultAnsiraClientID, fakeidp.DefaultAnsiraClientSecret, ansira.JWKSURL, fakeidp.DefaultAnsiraAudience,
		realm.AccessToken(fakeidp.Claims{"scope": "profile email reports:read"}), realm.RefreshToken(nil))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return nil
}
