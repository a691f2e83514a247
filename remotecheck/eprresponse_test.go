package remotecheck_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/remotecheck"
)

func TestDefaultEPRInterpret(t *testing.T) {
	const (
		activeAnswer = iota
		inactiveAnswer
		unavailable
		badResponse
	)
	tests := []struct {
		name   string
		status int
		body   string
		want   int
	}{
		{name: "200 with user info", status: 200, body: `{"success":true,"valid":true,"user":{"id":"u-1"}}`, want: activeAnswer},
		{name: "200 success true", status: 200, body: `{"success":true}`, want: activeAnswer},
		{name: "200 nested data valid true", status: 200, body: `{"data":{"valid":true}}`, want: activeAnswer},
		{name: "200 auth true, error null", status: 200, body: `{"auth":true,"error":null,"errors":[]}`, want: activeAnswer},
		// A 2xx that does not say yes fails closed (503): it may be a proxy's
		// page or a format this reading does not know.
		{name: "200 empty", status: 200, body: ``, want: badResponse},
		{name: "200 text", status: 200, body: `OK`, want: badResponse},
		{name: "204", status: 204, body: ``, want: badResponse},
		{name: "200 array", status: 200, body: `[]`, want: badResponse},
		{name: "200 error null", status: 200, body: `{"error":null,"errors":[]}`, want: badResponse},
		{name: "200 status ok", status: 200, body: `{"status":"ok"}`, want: badResponse},
		{name: "200 HTML page", status: 200, body: `<html>maintenance</html>`, want: badResponse},
		{name: "200 valid true as a string", status: 200, body: `{"valid":"true"}`, want: badResponse},
		{name: "200 numeric error status", status: 200, body: `{"status":401,"message":"jwt expired","valid":true}`, want: inactiveAnswer},
		{name: "200 auth false", status: 200, body: `{"auth":false,"message":"Failed to authenticate token."}`, want: inactiveAnswer},
		{name: "200 statusCode 401", status: 200, body: `{"statusCode":401}`, want: inactiveAnswer},
		{name: "200 valid null", status: 200, body: `{"valid":null}`, want: inactiveAnswer},
		{name: "200 valid false", status: 200, body: `{"valid":false}`, want: inactiveAnswer},
		{name: "200 success false", status: 200, body: `{"success":false,"message":"token invalid"}`, want: inactiveAnswer},
		{name: "200 isValid false", status: 200, body: `{"isValid":false}`, want: inactiveAnswer},
		{name: "200 Valid string false", status: 200, body: `{"Valid":"false"}`, want: inactiveAnswer},
		{name: "200 active 0", status: 200, body: `{"active":0}`, want: inactiveAnswer},
		{name: "200 status expired", status: 200, body: `{"status":"Expired"}`, want: inactiveAnswer},
		{name: "200 state logged_out", status: 200, body: `{"state":"logged_out"}`, want: inactiveAnswer},
		{name: "200 error message", status: 200, body: `{"valid":true,"error":"token revoked"}`, want: inactiveAnswer},
		{name: "200 errors array", status: 200, body: `{"errors":[{"code":1}]}`, want: inactiveAnswer},
		{name: "200 nested data valid false", status: 200, body: `{"success":true,"data":{"valid":false}}`, want: inactiveAnswer},
		{name: "200 nested result status invalid", status: 200, body: `{"result":{"status":"invalid"}}`, want: inactiveAnswer},
		{name: "200 duplicate member", status: 200, body: `{"valid":true,"valid":false}`, want: inactiveAnswer},
		{name: "200 broken JSON object", status: 200, body: `{"valid":tru`, want: inactiveAnswer},
		{name: "200 invalid UTF-8", status: 200, body: "{\"valid\":\"\xff\"}", want: inactiveAnswer},
		{name: "200 bare false", status: 200, body: " false\n", want: inactiveAnswer},
		{name: "400", status: 400, body: `{"message":"bad token"}`, want: inactiveAnswer},
		{name: "401", status: 401, body: `{"success":false}`, want: inactiveAnswer},
		{name: "403", status: 403, want: inactiveAnswer},
		{name: "404", status: 404, want: inactiveAnswer},
		{name: "410", status: 410, want: inactiveAnswer},
		{name: "422", status: 422, want: inactiveAnswer},
		{name: "401 claiming success", status: 401, body: `{"valid":true}`, want: inactiveAnswer},
		{name: "408", status: 408, want: unavailable},
		{name: "425", status: 425, want: unavailable},
		{name: "429", status: 429, want: unavailable},
		{name: "500", status: 500, want: unavailable},
		{name: "502", status: 502, body: `{"valid":true}`, want: unavailable},
		{name: "503", status: 503, want: unavailable},
		{name: "504", status: 504, want: unavailable},
		{name: "302", status: 302, want: badResponse},
		{name: "101", status: 101, want: badResponse},
		{name: "600", status: 600, want: badResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := remotecheck.DefaultEPRInterpret(remotecheck.EPRResponse{StatusCode: tt.status, Body: []byte(tt.body)})
			switch tt.want {
			case activeAnswer:
				require.NoError(t, err)
				require.True(t, res.Active)
				require.Nil(t, res.Claims, "claims come from the token")
			case inactiveAnswer:
				require.NoError(t, err)
				require.False(t, res.Active)
			case unavailable:
				require.ErrorIs(t, err, remotecheck.ErrCheckUnavailable)
				require.NotErrorIs(t, err, remotecheck.ErrBadResponse)
				require.False(t, res.Active)
			case badResponse:
				require.ErrorIs(t, err, remotecheck.ErrBadResponse)
				require.False(t, res.Active)
			}
		})
	}
}

// FuzzDefaultEPRInterpret checks that no answer but a 2xx is ever read as
// active, and that the reading never panics.
func FuzzDefaultEPRInterpret(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{200, `{"valid":true}`}, {200, `{"valid":false}`}, {200, ``}, {401, `{}`},
		{200, `{"data":{"status":"expired"}}`}, {503, ``}, {200, `{"error":{"a":[1,{"b":null}]}}`},
	} {
		f.Add(s.status, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		res, err := remotecheck.DefaultEPRInterpret(remotecheck.EPRResponse{StatusCode: status, Body: body})
		if res.Active && (err != nil || status < 200 || status > 299) {
			t.Fatalf("status %d read as active (err %v)", status, err)
		}
	})
}
