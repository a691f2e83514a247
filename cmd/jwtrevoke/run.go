package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jwtguard/jwtguard/internal/cliflag"
	"github.com/jwtguard/jwtguard/redisstore"
	"github.com/jwtguard/jwtguard/revocation"
)

// Exit statuses.
const (
	exitOK    = 0 // done
	exitRedis = 1 // Redis did not take it, or could not be read
	exitUsage = 2 // usage error; nothing was sent
)

// redisEnv holds the Redis URL when -redis is absent.
const redisEnv = "JWTREVOKE_REDIS"

const usage = `Usage: jwtrevoke COMMAND -redis URL [flags]

Revokes tokens in the Redis that a service's replicas share (package
redisstore), or lists what is in force:

  token   [-leeway 60s] TOKEN|-                one token, by its iss, jti and exp (read unverified)
  session -iss ISSUER -sid SID                 every token of a session
  subject -iss ISSUER -sub SUB [-before TIME]  a subject's tokens issued at or before TIME (default now)
  client  -iss ISSUER -client ID [-before TIME] a client's (azp or client_id) tokens issued at or before TIME
  issuer  -iss ISSUER -before TIME             every token of the issuer issued at or before TIME
  list    [-iss ISSUER] [-json]                the entries in force
  count   [-iss ISSUER]                        how many entries are in force

TIME is RFC 3339 (2026-01-02T15:04:05Z), Unix seconds, or "now".
-redis defaults to $` + redisEnv + `. Run "jwtrevoke COMMAND -h" for a command's flags.

Exit status: 0 done, 1 Redis did not take it or could not be read, 2 usage error.
`

// options is a parsed command line.
type options struct {
	cmd         string
	redisURL    string
	prefix      string
	timeout     time.Duration
	maxLifetime time.Duration
	leeway      time.Duration
	iss         string
	sid         string
	sub         string
	client      string
	before      string
	asJSON      bool
	token       string // token's argument; "" or "-": stdin
}

// commands lists the commands and the flags each takes beyond the common
// ones.
var commands = map[string][]string{
	"token":   {"leeway"},
	"session": {"iss", "sid", "max-token-lifetime"},
	"subject": {"iss", "sub", "before", "max-token-lifetime"},
	"client":  {"iss", "client", "before", "max-token-lifetime"},
	"issuer":  {"iss", "before", "max-token-lifetime"},
	"list":    {"iss", "json"},
	"count":   {"iss"},
}

// run is the whole command, with its streams passed in so tests can drive
// it. It returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "jwtrevoke:", err)
		return exitUsage
	}
	var entry revocation.Entry
	switch o.cmd {
	case "list", "count":
	default:
		if entry, err = o.entry(stdin); err != nil {
			fmt.Fprintln(stderr, "jwtrevoke:", err)
			return exitUsage
		}
		if o.cmd == "token" && !entry.Expires.Add(o.leeway).After(time.Now()) {
			fmt.Fprintf(stdout, "token %s of %s expired at %s: nothing to revoke\n", entry.Value, entry.Issuer, entry.Expires.UTC().Format(time.RFC3339))
			return exitOK
		}
	}
	opts, err := redis.ParseURL(o.redisURL)
	if err != nil {
		fmt.Fprintln(stderr, "jwtrevoke:", cliflag.URLError("redis", o.redisURL, err))
		return exitUsage
	}
	client := redis.NewClient(opts)
	defer client.Close()
	store, err := redisstore.NewRevocation(redisstore.RevocationConfig{
		Client:           client,
		Prefix:           o.prefix,
		MaxTokenLifetime: o.maxLifetime,
		// The command never checks tokens; a short lag makes Close quick.
		MaxLag: 400 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Fprintln(stderr, "jwtrevoke:", err)
		return exitUsage
	}
	defer store.Close()
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	switch o.cmd {
	case "list", "count":
		return list(ctx, store, o, stdout, stderr)
	}
	if o.cmd == "token" {
		entry.Expires = entry.Expires.Add(o.leeway)
	}
	shown, err := entry.Normalize(time.Now(), o.lifetime())
	if err != nil {
		fmt.Fprintln(stderr, "jwtrevoke:", err)
		return exitUsage
	}
	if err := store.Revoke(ctx, entry); err != nil {
		fmt.Fprintf(stderr, "jwtrevoke: Redis did not take the revocation, nothing was revoked: %v\n", err)
		return exitRedis
	}
	fmt.Fprintln(stdout, "revoked", describe(shown))
	return exitOK
}

// lifetime is -max-token-lifetime, or the default.
func (o *options) lifetime() time.Duration {
	if o.maxLifetime == 0 {
		return revocation.DefaultMaxTokenLifetime
	}
	return o.maxLifetime
}

// parseArgs reads the command and its flags.
func parseArgs(args []string, stderr io.Writer) (*options, error) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return nil, errors.New("a command is required (token, session, subject, client, issuer, list or count)")
		}
		return nil, flag.ErrHelp
	}
	o := &options{cmd: args[0]}
	extra, ok := commands[o.cmd]
	if !ok {
		return nil, fmt.Errorf("unknown command %q (token, session, subject, client, issuer, list or count; -h for help)", o.cmd)
	}
	fs := flag.NewFlagSet("jwtrevoke "+o.cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.redisURL, "redis", os.Getenv(redisEnv), "the Redis `URL`, redis://[user:password@]host:port/db (default $"+redisEnv+")")
	fs.StringVar(&o.prefix, "prefix", redisstore.DefaultPrefix, "the services' redisstore key `prefix`")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "how long to wait for Redis")
	for _, name := range extra {
		switch name {
		case "leeway":
			fs.DurationVar(&o.leeway, "leeway", 60*time.Second, "keep the entry this long past the token's exp (the services' leeway)")
		case "max-token-lifetime":
			fs.DurationVar(&o.maxLifetime, "max-token-lifetime", revocation.DefaultMaxTokenLifetime, "keep the entry this long past its cut-off (the services' MaxTokenLifetime)")
		case "iss":
			fs.StringVar(&o.iss, "iss", "", "the `issuer`, exactly as its tokens' iss")
		case "sid":
			fs.StringVar(&o.sid, "sid", "", "the session `id` (sid, or Keycloak's session_state)")
		case "sub":
			fs.StringVar(&o.sub, "sub", "", "the `subject`")
		case "client":
			fs.StringVar(&o.client, "client", "", "the client `id` (azp, or client_id)")
		case "before":
			fs.StringVar(&o.before, "before", "", "revoke tokens issued at or before this `time`: RFC 3339, Unix seconds or now")
		case "json":
			fs.BoolVar(&o.asJSON, "json", false, "print one JSON object per entry")
		}
	}
	if err := fs.Parse(args[1:]); err != nil {
		return nil, err
	}
	switch {
	case o.cmd == "token" && fs.NArg() > 1:
		return nil, fmt.Errorf("token takes one token, got %d arguments", fs.NArg())
	case o.cmd == "token" && fs.NArg() == 1:
		o.token = fs.Arg(0)
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q (flags go before it; -h for help)", fs.Arg(0))
	}
	switch {
	case o.redisURL == "":
		return nil, errors.New("-redis URL is required (or set " + redisEnv + ")")
	case o.timeout <= 0:
		return nil, errors.New("-timeout must be positive")
	case o.leeway < 0:
		return nil, errors.New("-leeway is negative")
	case o.maxLifetime < 0:
		return nil, errors.New("-max-token-lifetime is negative")
	}
	return o, nil
}

// entry builds the entry of a revoking command from its flags (and, for
// token, the token read from its argument or stdin).
func (o *options) entry(stdin io.Reader) (revocation.Entry, error) {
	if o.cmd == "token" {
		return tokenEntry(o.token, stdin)
	}
	if o.iss == "" {
		return revocation.Entry{}, fmt.Errorf("%s needs -iss: every revocation is scoped to one issuer", o.cmd)
	}
	before, err := parseTime(o.before)
	if err != nil {
		return revocation.Entry{}, err
	}
	switch o.cmd {
	case "session":
		if o.sid == "" {
			return revocation.Entry{}, errors.New("session needs -sid")
		}
		return revocation.SessionEntry(o.iss, o.sid), nil
	case "subject":
		if o.sub == "" {
			return revocation.Entry{}, errors.New("subject needs -sub")
		}
		return revocation.SubjectEntry(o.iss, o.sub, before), nil
	case "client":
		if o.client == "" {
			return revocation.Entry{}, errors.New("client needs -client")
		}
		return revocation.ClientEntry(o.iss, o.client, before), nil
	default: // issuer
		if o.before == "" {
			return revocation.Entry{}, errors.New(`issuer needs -before: every token of the issuer issued at or before it is revoked (-before now for all of them)`)
		}
		return revocation.IssuerEntry(o.iss, before), nil
	}
}

// parseTime reads -before: "" or "now" (the zero time: the store uses the
// time of the revocation), RFC 3339, or Unix seconds.
func parseTime(s string) (time.Time, error) {
	switch s {
	case "", "now":
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return time.Unix(n, 0), nil
	}
	return time.Time{}, fmt.Errorf("-before %q is not RFC 3339 (2026-01-02T15:04:05Z), Unix seconds, or now", s)
}

// describe says what an entry revokes, for the output.
func describe(e revocation.Entry) string {
	var b strings.Builder
	switch e.Kind {
	case revocation.KindToken:
		fmt.Fprintf(&b, "token jti=%q", e.Value)
	case revocation.KindSession:
		fmt.Fprintf(&b, "session sid=%q", e.Value)
	case revocation.KindSubject:
		fmt.Fprintf(&b, "subject sub=%q", e.Value)
	case revocation.KindClient:
		fmt.Fprintf(&b, "client %q", e.Value)
	case revocation.KindIssuer:
		b.WriteString("every token")
	}
	fmt.Fprintf(&b, " of issuer %q", e.Issuer)
	if !e.Before.IsZero() {
		fmt.Fprintf(&b, " issued at or before %s", e.Before.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(&b, ", until %s", e.Expires.UTC().Format(time.RFC3339))
	return b.String()
}
