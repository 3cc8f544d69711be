"""Small menus the core tests share."""

TINY = """\
menu: tiny
start: main
services:
  fire: {number: "110", name: Fire}
  police: {number: "112", name: Police}
  info_line: {number: "02800", name: Info line, announce: "Putting you through to the info line."}
shortcuts: [fire, police]
commands:
  repeat: {key: "#", words: [repeat]}
  back: {key: "*", words: [back, go back]}
  main_menu: {key: "9", words: [main menu]}
  help: {words: [help]}
  operator: {key: "0", words: [operator], route: police, confirm: true}
settings:
  no_input_timeout: 5
  inter_digit_timeout: 2
  max_no_input: 3
  max_no_match: 3
nodes:
  main:
    settings: {search: tree}
    prompt: Main menu. Press 1 for emergencies, 2 for the info line, 3 for facts, 4 to dial.
    short_prompt: Press 1, 2, 3 or 4.
    help: Say what you need.
    options:
      - key: 1
        words: [emergency]
        goto: emergency
      - key: 2
        words: [information line, stolen]
        route: info_line
      - key: 3
        words: [facts]
        info: Here are some facts.
      - key: 4
        words: [dial]
        goto: dial
      - key: 5
        words: [clock]
        goto: hours
  emergency:
    prompt: Emergencies. Press 1 for fire, 2 for police.
    options:
      - key: 1
        words: [fire, smell gas, car crash]
        route: fire
      - key: 2
        words: [police, burglar, car crash]
        route: police
  dial:
    prompt: Key the number then hash.
    collect: {min_digits: 3, max_digits: 5, services: true}
  hours:
    branch:
      - when: {days: mon-fri, time: "08:00-16:00"}
        route: info_line
      - otherwise: true
        route: police
"""
