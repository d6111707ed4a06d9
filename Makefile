# Makefile for walkout: `make`, `make check`, `make bench`, `make fuzz`,
# `make install PREFIX=...`, `make clean`.  GNU make; a tool is built when
# its source (cmd/wo-NAME.c or cmd/wo-NAME/*.c) is present.

PREFIX	?= /usr/local
BINDIR	 = $(PREFIX)/bin
MANDIR	 = $(PREFIX)/share/man
B	?= build
CC	?= cc
CFLAGS	?= -O2 -g
WARN	 = -Wall -Wextra -Wshadow -Wno-unused-parameter
CPPFLAGS += -Ilib -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
# SAN is set for the sanitizer build that `make check` also runs.
SAN	?=
ALLCFLAGS = -std=c11 $(WARN) $(CFLAGS) $(SAN) -MMD -MP
LINK	 = $(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@

# One variable per outside library.
JANSSON_CFLAGS	:= $(shell pkg-config --cflags jansson 2>/dev/null)
JANSSON_LIBS	:= $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
PNG_CFLAGS	:= $(shell pkg-config --cflags libpng 2>/dev/null)
PNG_LIBS	:= $(shell pkg-config --libs libpng 2>/dev/null || echo -lpng)
JPEG_LIBS	 = -ljpeg
SERIAL_CFLAGS	:= $(shell pkg-config --cflags libserialport 2>/dev/null)
SERIAL_LIBS	:= $(shell pkg-config --libs libserialport 2>/dev/null || echo -lserialport)
CURL_CFLAGS	:= $(shell pkg-config --cflags libcurl 2>/dev/null)
CURL_LIBS	:= $(shell pkg-config --libs libcurl 2>/dev/null || echo -lcurl)
DARKNET_DIR	 = /usr/lib/darknet
DARKNET_CFLAGS	 = -I$(DARKNET_DIR)/include
DARKNET_LIBS	 = -L$(DARKNET_DIR) -Wl,-rpath,$(DARKNET_DIR) -ldarknet
BLAS_CFLAGS	:= $(shell pkg-config --cflags openblas 2>/dev/null)
BLAS_LIBS	:= $(shell pkg-config --libs openblas 2>/dev/null || echo -lopenblas)
THREAD_LIBS	 = -pthread

TOOLS	 = wo-sim wo-eval wo-capture wo-weigh wo-detect wo-track wo-cart \
	   wo-charge wo-receipt wo-draw wo-merge
PRESENT	 = $(foreach t,$(TOOLS),$(if $(wildcard cmd/$t.c cmd/$t/*.c),$t))
objs	 = $(patsubst %.c,$(B)/%.o,$(wildcard cmd/$(1).c cmd/$(1)/*.c))

LIBSRC	 = $(wildcard lib/*.c)
LIBOBJ	 = $(patsubst %.c,$(B)/%.o,$(LIBSRC))
LIBWO	 = $(B)/libwo.a
UNITSRC	 = $(wildcard tests/unit/*.c)
UNITBIN	 = $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNITSRC))
DRVSRC	 = $(wildcard tests/drv/*.c)
DRVBIN	 = $(patsubst tests/drv/%.c,$(B)/drv/%,$(DRVSRC))
MANPAGES = $(wildcard man/*.[0-9])

all: $(addprefix $(B)/bin/,$(PRESENT))

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(JANSSON_CFLAGS) $(EXTRA_CFLAGS) $(ALLCFLAGS) -c -o $@ $<

$(B)/cmd/wo-detect.o $(B)/cmd/wo-detect/%.o: EXTRA_CFLAGS = $(DARKNET_CFLAGS) $(BLAS_CFLAGS) $(PNG_CFLAGS) -DWO_MODEL_DIR='"$(CURDIR)/models"'
$(B)/cmd/wo-sim.o $(B)/cmd/wo-sim/%.o: EXTRA_CFLAGS = $(PNG_CFLAGS)
$(B)/cmd/wo-draw.o $(B)/cmd/wo-draw/%.o: EXTRA_CFLAGS = $(PNG_CFLAGS)
$(B)/cmd/wo-weigh.o $(B)/cmd/wo-weigh/%.o: EXTRA_CFLAGS = $(SERIAL_CFLAGS)
$(B)/cmd/wo-track.o $(B)/cmd/wo-track/%.o: EXTRA_CFLAGS = $(PNG_CFLAGS)
$(B)/cmd/wo-capture.o $(B)/cmd/wo-capture/%.o: EXTRA_CFLAGS = $(CURL_CFLAGS)
$(B)/cmd/wo-charge.o $(B)/cmd/wo-charge/%.o: EXTRA_CFLAGS = $(CURL_CFLAGS)
$(B)/cmd/wo-receipt.o $(B)/cmd/wo-receipt/%.o: EXTRA_CFLAGS = $(CURL_CFLAGS)

$(LIBWO): $(LIBOBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

# One link line per tool, each with only the outside libraries it needs.
$(B)/bin/wo-sim: $(call objs,wo-sim) $(LIBWO)
	@mkdir -p $(@D)
	$(LINK) $(call objs,wo-sim) $(LIBWO) $(JANSSON_LIBS) $(JPEG_LIBS) $(PNG_LIBS) $(THREAD_LIBS) -lm
$(B)/bin/wo-eval: $(call objs,wo-eval) $(LIBWO)
	@mkdir -p $(@D)
	$(LINK) $(call objs,wo-eval) $(LIBWO) $(JANSSON_LIBS) -lm
$(B)/bin/wo-capture: $(call objs,wo-capture) $(LIBWO)
	@mkdir -p $(@D)
	$(LINK) $(call objs,wo-capture) $(LIBWO) $(JANSSON_LIBS) $(CURL_LIBS) $(THREAD_LIBS) -lm
$(B)/bin/wo-weigh: $(call objs,wo-weigh) $(LIBWO)
	@mkdir -p $(@D)
	$(LINK) $(call objs,wo-weigh) $(LIBWO) $(JANSSON_LIBS) $(SERIAL_LIBS) $(THREAD_LIBS) -lm
$(B)/bin/wo-detect: $(call objs,wo-detect) $(LIBWO)
	@mkdir -p $(@D)
	$(LINK) $(call objs,wo-detect) $(LIBWO) $(JANSSON_LIBS) $(DARKNET_LIBS) $(BLAS_LIBS) $(JPEG_LIBS) $(PNG_LIBS) $(THREAD_LIBS) -lm
$(B)/bin/wo-track: $(call objs,wo-track) $(LIBWO)
	@mkdir -p $(@D)
	$(LINK) $(call objs,wo-track) $(LIBWO) $(JANSSON_LIBS) $(JPEG_LIBS) $(PNG_LIBS) -lm
$(B)/bin/wo-cart: $(call objs,wo-cart) $(LIBWO)
	@mkdir -p $(@D)
	$(LINK) $(call objs,wo-cart) $(LIBWO) $(JANSSON_LIBS) -lm
$(B)/bin/wo-charge: $(call objs,wo-charge) $(LIBWO)
	@mkdir -p $(@D)
	$(LINK) $(call objs,wo-charge) $(LIBWO) $(JANSSON_LIBS) $(CURL_LIBS) -lm
$(B)/bin/wo-receipt: $(call objs,wo-receipt) $(LIBWO)
	@mkdir -p $(@D)
	$(LINK) $(call objs,wo-receipt) $(LIBWO) $(JANSSON_LIBS) $(CURL_LIBS) -lm

$(B)/bin/wo-draw: $(call objs,wo-draw) $(LIBWO)
	@mkdir -p $(@D)
	$(LINK) $(call objs,wo-draw) $(LIBWO) $(JANSSON_LIBS) $(JPEG_LIBS) $(PNG_LIBS) -lm

$(B)/bin/wo-merge: $(call objs,wo-merge) $(LIBWO)
	@mkdir -p $(@D)
	$(LINK) $(call objs,wo-merge) $(LIBWO) $(JANSSON_LIBS) -lm

$(B)/unit/%: tests/unit/%.c $(LIBWO)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(JANSSON_CFLAGS) $(ALLCFLAGS) -o $@ $< $(LIBWO) $(JANSSON_LIBS) -lm

# Test drivers: small programs that put libwo under the fixture tests.
$(B)/drv/%: tests/drv/%.c $(LIBWO)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(JANSSON_CFLAGS) $(ALLCFLAGS) -o $@ $< $(LIBWO) $(JANSSON_LIBS) -lm

units: $(UNITBIN) $(DRVBIN)

# Installs the Debian packages the build and the tests need, only the missing.
deps:
	@scripts/deps

# The suite runs twice: a plain build, then one with the sanitizers.
check: deps
	$(MAKE) all units
	tests/run $(B)
	$(MAKE) B=build-san SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" CFLAGS="-O1 -g" all units
	tests/run build-san

# Runs the suite against what is built, without deps or the sanitizer pass.
test: all units
	tests/run $(B)

bench: deps all
	bench/run $(B)

demo: deps all
	scripts/demo

# libFuzzer targets for the event reader and the store loader.
FUZZTIME ?= 60
FUZZFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined
fuzz: deps
	@mkdir -p $(B)/fuzz
	for t in ev store; do \
		clang $(CPPFLAGS) $(JANSSON_CFLAGS) $(FUZZFLAGS) -o $(B)/fuzz/fuzz_$$t \
		    tests/fuzz/fuzz_$$t.c $(LIBSRC) $(JANSSON_LIBS) -lm || exit 1; \
	done
	tests/fuzz/run $(B)/fuzz $(FUZZTIME)

lint:
	mandoc -Tlint -W warning $(MANPAGES)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	for t in $(PRESENT); do install -m 755 $(B)/bin/$$t $(DESTDIR)$(BINDIR); done
	for m in $(MANPAGES); do \
		s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s; \
	done
	mkdir -p $(DESTDIR)$(PREFIX)/share/walkout/models
	install -m 644 models/store.cfg models/store.weights models/store.names \
	    models/README $(DESTDIR)$(PREFIX)/share/walkout/models

clean:
	rm -rf build build-san

.PHONY: all units deps check test bench demo fuzz lint install clean
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
