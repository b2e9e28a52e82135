# Shanhai build.
#
# Every src/<part>/*.c except src/cli/main.c goes into one static library; the
# `shanhai` program is src/cli/main.c linked against it; every tests/unit/test_*.c
# is one cmocka binary. New files are picked up by the wildcards, so adding a
# feature means adding a file, not editing this one.
#
#   make                 build build/rel/shanhai
#   make MODE=asan       the same with AddressSanitizer + UBSan (build/asan/)
#   make unit            build and run the unit tests
#   make run             install, build and serve the demo (the README's first command)
#   make test            the whole suite (scripts/test.sh): what CI runs
#   make web             build the web console (npm ci + vite) and embed it
#   BUILD=dir            put everything under another folder (parallel builders)

BUILD ?= build
MODE  ?= rel
OUT   := $(BUILD)/$(MODE)
CC    ?= cc

PKGS    := libmicrohttpd jansson sqlite3 libsodium xlsxwriter libqrencode libzip expat libpq
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS_COMMON := -std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -I$(OUT)/gen \
                 -MMD -MP $(PKG_CFLAGS)
ifeq ($(MODE),asan)
CFLAGS_MODE := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=all -DSHANHAI_TESTING
LDFLAGS_MODE := -fsanitize=address,undefined
else
CFLAGS_MODE := -O2 -g
LDFLAGS_MODE :=
endif
CFLAGS  := $(CFLAGS_COMMON) $(CFLAGS_MODE) $(EXTRA_CFLAGS)
LDLIBS  := $(PKG_LIBS) -lm -lpthread

PARTS   := lib core route plan io store app http cli
LIB_SRC := $(filter-out src/cli/main.c,$(foreach p,$(PARTS),$(wildcard src/$(p)/*.c)))
GEN_SRC := $(OUT)/gen/migrations.c $(OUT)/gen/assets.c $(OUT)/gen/datafiles.c
LIB_OBJ := $(LIB_SRC:%.c=$(OUT)/obj/%.o) $(GEN_SRC:%.c=%.o)
LIB     := $(OUT)/libshanhai.a
BIN     := $(OUT)/shanhai

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(OUT)/tests/%)
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
WEB_DIST := web/console/dist

.PHONY: all bin unit test web clean fuzz run deps
all: bin
bin: $(BIN)

$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(OUT)/gen/%.o: $(OUT)/gen/%.c
	$(CC) $(CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(OUT)/gen/migrations.c: $(MIGRATIONS) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh migrations src/store/migrations .sql > $@.tmp && mv $@.tmp $@

$(OUT)/gen/datafiles.c: $(wildcard data/*.csv) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh datafiles data .csv > $@.tmp && mv $@.tmp $@

# The console bundle is embedded when it has been built (make web); without it
# the server still runs and says how to build the console.
$(OUT)/gen/assets.c: scripts/embed.sh $(wildcard $(WEB_DIST)/index.html) \
                     $(shell find $(WEB_DIST) -type f 2>/dev/null)
	@mkdir -p $(dir $@)
	sh scripts/embed.sh assets $(WEB_DIST) '' > $@.tmp && mv $@.tmp $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(OUT)/obj/src/cli/main.o $(LIB)
	$(CC) $(LDFLAGS_MODE) -o $@ $^ $(LDLIBS)

$(OUT)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS_MODE) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

unit: $(UNIT_BIN)
	@sh scripts/run-unit.sh $(UNIT_BIN)

web:
	cd web/console && npm ci --no-audit --no-fund && npm run build

deps:
	sh scripts/deps.sh

# The README's first command: install, build the console and the server, then
# serve the demo on ./shanhai.db (PORT=8080 unless given).
run: deps
	$(MAKE) web
	$(MAKE) -j2 bin
	$(BIN) serve --demo --port $(or $(PORT),8080)

# The README's second command: every test (scripts/test.sh), after the same install.
test: deps
	bash scripts/test.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(OUT)/obj -name '*.d' 2>/dev/null)
