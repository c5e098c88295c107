// goprobe: the Go side of scripts/compat.sh. Go's net package makes its socket system calls itself, never
// through libc, so only netcon's seccomp path can serve it.
//
//	goprobe serve ADDR FILE      HTTP: GET / answers FILE's bytes, GET /peer the client's address as seen
//	goprobe get URL              prints the body's sha256 (or the body of /peer)
//	goprobe udp-echo ADDR        echoes each datagram to its sender
//	goprobe udp-ask ADDR TEXT    sends TEXT, prints the first answer (3 s at most)
//	goprobe resolve4 NAME        prints NAME's IPv4 addresses, as Go's own resolver finds them (resolv.conf, UDP)
package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

func fail(format string, arguments ...any) {
	fmt.Fprintf(os.Stderr, "goprobe: "+format+"\n", arguments...)
	os.Exit(1)
}

func serve(address, file string) {
	body, err := os.ReadFile(file)
	if err != nil {
		fail("%v", err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	http.HandleFunc("/peer", func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		io.WriteString(w, host)
	})
	fail("%v", http.ListenAndServe(address, nil))
}

func get(url string) {
	client := http.Client{Timeout: 20 * time.Second}
	response, err := client.Get(url)
	if err != nil {
		fail("%v", err)
	}
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	if err != nil {
		fail("%v", err)
	}
	if strings.HasSuffix(url, "/peer") {
		fmt.Println(string(body))
		return
	}
	fmt.Printf("%x\n", sha256.Sum256(body))
}

func udpEcho(address string) {
	connection, err := net.ListenPacket("udp", address)
	if err != nil {
		fail("%v", err)
	}
	buffer := make([]byte, 65536)
	for {
		count, peer, err := connection.ReadFrom(buffer)
		if err != nil {
			fail("%v", err)
		}
		if _, err := connection.WriteTo(buffer[:count], peer); err != nil {
			fail("%v", err)
		}
	}
}

func udpAsk(address, text string) {
	connection, err := net.Dial("udp", address)
	if err != nil {
		fail("%v", err)
	}
	buffer := make([]byte, 65536)
	for attempt := 0; attempt < 6; attempt++ {
		if _, err := connection.Write([]byte(text)); err != nil {
			fail("%v", err)
		}
		connection.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		count, err := connection.Read(buffer)
		if err == nil {
			fmt.Println(string(buffer[:count]))
			return
		}
	}
	fail("no answer from %s", address)
}

func resolve4(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resolver := net.Resolver{PreferGo: true}
	addresses, err := resolver.LookupIP(ctx, "ip4", name)
	if err != nil {
		fail("%v", err)
	}
	for _, address := range addresses {
		fmt.Println(address)
	}
}

func main() {
	if len(os.Args) < 3 {
		fail("usage: goprobe serve ADDR FILE | get URL | udp-echo ADDR | udp-ask ADDR TEXT | resolve4 NAME")
	}
	switch os.Args[1] {
	case "serve":
		serve(os.Args[2], os.Args[3])
	case "get":
		get(os.Args[2])
	case "udp-echo":
		udpEcho(os.Args[2])
	case "udp-ask":
		udpAsk(os.Args[2], os.Args[3])
	case "resolve4":
		resolve4(os.Args[2])
	default:
		fail("unknown mode %s", os.Args[1])
	}
}
