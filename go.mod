module github.com/jwtguard/jwtguard

go 1.25.0
