"""Templates: the SimpleTemplate engine, template()/view(), and the Jinja2, Mako and Cheetah
adapters."""
import importlib
import os
import sys
import threading
import traceback

import pytest

import bottle
from helpers import call


# --------------------------------------------------------------------------- helpers

def render(source, **variables):
    """Render SimpleTemplate ``source`` with ``variables``."""
    return bottle.SimpleTemplate(source).render(**variables)


def write(directory, name, text, encoding='utf8'):
    """Write template file ``name`` (may contain a sub directory) below ``directory``."""
    path = os.path.join(str(directory), name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as handle:
        handle.write(text.encode(encoding) if isinstance(text, str) else text)
    return path


@pytest.fixture
def views(tmp_path):
    """A template directory that is the only entry of TEMPLATE_PATH."""
    bottle.TEMPLATE_PATH[:] = [str(tmp_path)]
    return tmp_path


def stpl(views, name, **settings):
    """A SimpleTemplate loaded by name from the ``views`` directory."""
    return bottle.SimpleTemplate(name=name, lookup=[str(views)], **settings)


# ------------------------------------------------------------ inline expressions

def test_inline_expression_is_html_escaped_including_quotes():
    assert render('{{x}}', x='<a href="x">&\'') == '&lt;a href=&quot;x&quot;&gt;&amp;&#039;'


def test_bang_inline_expression_is_not_escaped():
    assert render('{{!x}}', x='<b>"&"</b>') == '<b>"&"</b>'


def test_none_renders_as_empty_text_escaped_or_not():
    assert render('[{{x}}|{{!x}}]', x=None) == '[|]'


def test_falsy_values_other_than_none_render_as_text():
    assert render('{{a}} {{b}} [{{c}}] {{d}}', a=0, b=False, c='', d=0.0) == '0 False [] 0.0'


def test_numbers_and_objects_render_with_str():
    assert render('{{a}} {{b}} {{c}}', a=42, b=-3.5, c=[1, '<']) == "42 -3.5 [1, &#039;&lt;&#039;]"


def test_bytes_values_are_decoded_as_utf8():
    assert render('{{x}} {{!x}}', x='café<'.encode('utf8')) == 'café&lt; café<'


def test_inline_expression_may_be_any_python_expression():
    source = ('{{ ", ".join(str(n * 2) for n in range(3)) }}|{{ len(x) if x else "none" }}|'
              '{{ x.upper() }}')
    assert render(source, x='ab') == '0, 2, 4|2|AB'


def test_inline_expression_may_contain_closing_braces_in_strings():
    assert render('{{ "}}" }}|{{ \'a}}b\' }}|{{ """c}}""" }}') == '}}|a}}b|c}}'


def test_inline_expression_may_contain_dict_literals():
    assert render('{{ {"a": 1}["a"] }}') == '1'


def test_inline_expression_may_end_with_nested_braces():
    # differs from 0.13.4: it ends the expression at the first '}}' and raises a SyntaxError.
    assert render('{{ {"a": {"b": 2}}["a"]["b"] }}') == '2'


def test_several_inline_expressions_on_one_line():
    assert render('<{{a}}>{{b}} and {{!c}}.', a=1, b='<', c='<') == '<1>&lt; and <.'


def test_whitespace_inside_inline_expression_is_ignored():
    assert render('[{{ x }}][{{ !x }}][{{!\tx}}]', x='<') == '[&lt;][<][<]'


def test_inline_expression_result_is_not_reparsed():
    assert render('{{x}}', x='{{y}} % <%') == '{{y}} % &lt;%'


def test_unclosed_inline_expression_is_literal_text():
    assert render('a {{ b\nc {{x}} {{\n', x=1) == 'a {{ b\nc 1 {{\n'


def test_inline_expression_does_not_span_lines():
    assert render('{{ x\n}}', x=1) == '{{ x\n}}'


def test_closing_token_without_opening_is_literal_text():
    assert render('}} {{x}}}', x=1) == '}} 1}'


def test_empty_inline_expression_is_a_syntax_error():
    # differs from 0.13.4: it crashes with an IndexError while parsing.
    with pytest.raises(bottle.StplSyntaxError) as info:
        render('line one\n{{ }}\n')
    assert 'line 2' in str(info.value)


def test_inline_expression_with_unbalanced_bracket_is_a_syntax_error():
    # differs from 0.13.4: it raises a plain SyntaxError.
    with pytest.raises(bottle.StplSyntaxError):
        render('{{ (x }}', x=1)


# ------------------------------------------------------------------- code lines

def test_code_lines_run_python_and_leave_no_lines_behind():
    assert render('a\n% x = 6 * 7\nb {{x}}\n') == 'a\nb 42\n'


def test_if_elif_else_blocks_close_with_end():
    source = '%if n == 1:\none\n%elif n == 2:\ntwo\n%else:\nmany\n%end\ndone\n'
    assert [render(source, n=n) for n in (1, 2, 3)] == \
        ['one\ndone\n', 'two\ndone\n', 'many\ndone\n']


def test_for_loop_repeats_its_body():
    assert render('<ul>\n% for item in items:\n  <li>{{item}}</li>\n% end\n</ul>\n',
                  items=['a', '<b>']) == \
        '<ul>\n  <li>a</li>\n  <li>&lt;b&gt;</li>\n</ul>\n'


def test_indentation_of_code_lines_does_not_matter():
    source = '  %if 1:\n    %for i in range(2):\n{{i}}\n        %end\n%end\nx\n'
    assert render(source) == '0\n1\nx\n'


def test_indentation_inside_python_code_is_ignored():
    assert render('%if 1:\n%x = 1\n%      y = 2\n%end\n{{x + y}}') == '3'


def test_nested_blocks():
    source = ('%for i in range(3):\n  %if i % 2:\n odd {{i}}\n  %else:\n even {{i}}\n'
              '  %end\n%end\n')
    assert render(source) == ' even 0\n odd 1\n even 2\n'


def test_while_try_with_def_and_class_blocks():
    source = ('%n = 0\n%while n < 2:\n%n += 1\nw{{n}}\n%end\n'
              '%try:\n%  1 / 0\n%except ZeroDivisionError:\nzero\n%finally:\nfinally\n%end\n'
              '%with open(os.devnull) as handle:\nopen\n%end\n'
              '%def bold(text):\n<b>{{text}}</b>\n%end\n%bold("x")\n'
              '%class Thing:\n%  size = 3\n%end\n{{Thing.size}}\n')
    assert render(source, os=os) == 'w1\nw2\nzero\nfinally\nopen\n<b>x</b>\n3\n'


def test_end_may_carry_spaces_and_a_comment():
    assert render('% if True:   \nyes\n%   end   # done\nafter') == 'yes\nafter'


def test_code_line_comments_are_ignored():
    assert render('%# just a comment\n% x = 1  # set x\n{{x}}') == '1'


def test_names_starting_with_a_keyword_are_ordinary_names():
    assert render('%end_value = 1\n%iffy = 2\n%format_ = 3\n{{end_value}}{{iffy}}{{format_}}') \
        == '123'


def test_strings_in_code_may_contain_block_words_and_tokens():
    assert render('%x = "end"\n%y = "%>"\n%z = "{{x}}"\n{{x}} {{y}} {{z}}') == 'end %&gt; {{x}}'


def test_code_line_may_continue_on_the_next_code_line_inside_brackets():
    assert render('% x = [1,\n%      2]\n{{x}}') == '[1, 2]'


def test_block_header_may_span_code_lines_inside_brackets():
    assert render('% for x in (1,\n%           2):\n{{x}}\n% end\n') == '1\n2\n'


def test_code_line_with_backslash_continues_on_the_next_code_line():
    assert render('% x = 1 + \\\n%     2\n{{x}}') == '3'


def test_triple_quoted_string_in_a_code_line_may_span_lines():
    assert render('%x = """\nabc\n% not code\n"""\n{{x}}') == '\nabc\n% not code\n'


def test_percent_inside_a_text_line_is_text():
    assert render('50 % off, x %% y, %\n') == '50 % off, x %% y, %\n'


def test_backslash_escapes_a_leading_percent():
    assert render('\\% not code {{1}}\n  \\% indented\n') == '% not code 1\n  % indented\n'


def test_double_percent_escapes_a_leading_percent():
    # differs from 0.13.4: '%%' at the start of a line is Python code there (a SyntaxError).
    assert render('%% not code\n  %%also\n') == '% not code\n  %also\n'


def test_empty_code_lines_are_allowed():
    assert render('a\n%\n% \nb') == 'a\nb'


def test_empty_block_is_allowed():
    # differs from 0.13.4: an empty block gives an IndentationError there.
    assert render('%while False:\n%end\n%if x:\n%else:\nelse\n%end\n', x=True) == ''


def test_code_lines_keep_the_line_endings_of_text_lines():
    assert render('a\r\n%if 1:\r\nb\r\n%end\r\nc\r\n') == 'a\r\nb\r\nc\r\n'


def test_whitespace_of_text_lines_is_kept():
    assert render('\n  lead\t\n\n%x = 1\n\ntrail  ') == '\n  lead\t\n\n\ntrail  '


def test_one_line_if_without_end_does_not_indent_what_follows():
    # differs from 0.13.4: it gives an IndentationError for the text line
    assert render('%if True: x = 1\n{{x}}\n') == '1\n'


@pytest.mark.skipif(sys.version_info < (3, 10), reason='match statements need Python 3.10')
def test_match_and_case_blocks_close_with_one_end():
    # differs from 0.13.4: match statements give an IndentationError there.
    source = '%match x:\n%case 1:\none\n%case _:\nother\n%end\n'
    assert render(source, x=1) + render(source, x=2) == 'one\nother\n'


def test_async_def_block():
    # differs from 0.13.4: 'async def' is not recognized as opening a block there.
    assert render('%async def produce():\n%  return 1\n%end\n{{produce.__name__}}') == 'produce'


# ------------------------------------------------------------------ code blocks

def test_multi_line_code_block():
    assert render('a\n<%\n  x = 1\n  y = 2\n%>\nb {{x + y}}\n') == 'a\nb 3\n'


def test_single_line_code_block():
    assert render('<% x = 1 %>\n  <%x = x + 1%>  \n{{x}}') == '2'


def test_code_block_lines_may_open_and_close_blocks():
    source = '<%\nfor i in range(3):\n  if i:\n    _stdout.append(str(i))\n  end\nend\n%>\n'
    assert render(source) == '12'


def test_block_opened_in_code_block_may_enclose_text():
    assert render('<% for i in range(2): %>\n[{{i}}]\n<% end %>\n') == '[0]\n[1]\n'


def test_block_end_inside_a_string_does_not_close_the_block():
    assert render('<%\nx = """\n%>\n"""\n%>\n{{x}}') == '\n%&gt;\n'


def test_comment_may_end_a_code_block():
    assert render('<% # nothing here %>\nx\n<%\n# a %> inside a comment\ny = 1 # %>\n{{y}}') \
        == 'x\n1'


def test_block_start_in_the_middle_of_a_line_is_text():
    assert render('a <% x = 1 %> b\n') == 'a <% x = 1 %> b\n'


def test_backslash_escapes_a_block_start():
    assert render('\\<% not code %>\n') == '<% not code %>\n'


def test_unclosed_code_block_runs_to_the_end_of_the_template():
    assert render('before\n<%\nx = 1\ny = 2') == 'before\n'


def test_unclosed_code_block_swallowing_text_is_a_syntax_error_naming_the_line():
    # differs from 0.13.4: it raises a plain SyntaxError.
    with pytest.raises(bottle.StplSyntaxError) as info:
        render('<% x = 1\n<p>{{x}}</p>\n')
    assert 'line 2' in str(info.value)


def test_block_end_without_block_start_is_a_syntax_error():
    # differs from 0.13.4: it raises a plain SyntaxError.
    with pytest.raises(bottle.StplSyntaxError):
        render('text\n%>\n')


def test_text_after_block_end_on_the_same_line_is_a_syntax_error():
    # differs from 0.13.4: it raises a plain SyntaxError.
    with pytest.raises(bottle.StplSyntaxError):
        render('<% x = 1 %> {{x}}\n')


# ----------------------------------------------------------- whitespace control

def test_double_backslash_joins_a_text_line_with_a_following_code_line():
    source = '<div>\\\\\n%if True:\n<span>content</span>\\\\\n%end\n</div>\n'
    assert render(source) == '<div><span>content</span></div>\n'


def test_double_backslash_in_a_loop_joins_the_items():
    assert render('%for i in range(3):\n{{i}}\\\\\n%end\n') == '012'


def test_double_backslash_before_a_text_line_stays():
    assert render('a\\\\\nb\n') == 'a\\\\\nb\n'


def test_double_backslash_at_the_end_of_the_template_removes_the_line_break():
    assert render('a\\\\\n') == 'a'


def test_double_backslash_followed_by_spaces_stays():
    assert render('a\\\\ \n%x = 1\nb') == 'a\\\\ \nb'


# --------------------------------------------------------------- syntax setting

def test_custom_syntax_setting():
    source = '[[x]] {{x}}\n$if x:\nyes\n$end\n<? y = 2 ?>\n[[y]]\n% not code\n'
    out = bottle.SimpleTemplate(source, syntax='<? ?> $ [[ ]]').render(x='<')
    assert out == '&lt; {{x}}\nyes\n2\n% not code\n'


def test_custom_inline_tokens_may_be_brackets():
    assert bottle.SimpleTemplate('[[ d["k"][0] ]]', syntax='<% %> % [[ ]]').render(
        d={'k': 'v'}) == 'v'


def test_custom_syntax_applies_to_included_templates(views):
    write(views, 'part.tpl', '[[x]]\n')
    template = bottle.SimpleTemplate('$include("part", x=1)\n', lookup=[str(views)],
                                     syntax='<? ?> $ [[ ]]')
    assert template.render() == '1\n'


def test_invalid_syntax_setting_is_a_template_error():
    # differs from 0.13.4: it raises a KeyError.
    with pytest.raises(bottle.TemplateError) as info:
        bottle.SimpleTemplate('x', syntax='<% %>').render()
    assert '<% %>' in str(info.value)


def test_parser_syntax_accessors():
    parser = bottle.StplParser('x', syntax='<? ?> $ [[ ]]')
    assert bottle.StplParser.default_syntax == '<% %> % {{ }}'
    assert parser.syntax == parser.get_syntax() == '<? ?> $ [[ ]]'
    parser.set_syntax('<% %> % {{ }}')
    assert parser.syntax == '<% %> % {{ }}'
    parser.syntax = '[ ] $ << >>'
    assert parser.get_syntax() == '[ ] $ << >>'


def test_parser_process_inline_builds_the_output_expression():
    assert bottle.StplParser.process_inline('x') == '_escape(x)'
    assert bottle.StplParser.process_inline('!x') == '_str(x)'


def test_parser_translates_to_python_source():
    code = bottle.StplParser('a {{x}}\n%if x:\nb\n%end\n').translate()
    namespace = {'x': 1, '_stdout': [], '_escape': str, '_str': str}
    namespace['_printlist'] = namespace['_stdout'].extend
    exec(compile(code, '<test>', 'exec'), namespace)
    assert ''.join(namespace['_stdout']) == 'a 1\nb\n'


# ------------------------------------------------------------ escaping settings

def test_noescape_setting_swaps_escaped_and_raw_expressions():
    template = bottle.SimpleTemplate('{{x}} {{!x}}', noescape=True)
    assert template.render(x='<') == '< &lt;'


def test_escape_func_setting_escapes_inline_expressions():
    template = bottle.SimpleTemplate('{{x}} {{!x}}', escape_func=lambda text: text.upper())
    assert template.render(x='abc') == 'ABC abc'


def test_escape_func_gets_the_text_of_the_value():
    template = bottle.SimpleTemplate('{{a}}|{{b}}', escape_func=lambda text: 'E(%r)' % text)
    assert template.render(a=None, b=5) == "E('')|E('5')"


def test_included_templates_do_not_inherit_noescape(views):
    write(views, 'sub.tpl', 'sub {{x}}\n')
    write(views, 'main.tpl', '%include("sub")\n{{x}}\n')
    assert stpl(views, 'main', noescape=True).render(x='<') == 'sub &lt;\n<\n'


# ------------------------------------------------------------ template helpers

def test_include_renders_a_template_with_the_current_variables(views):
    write(views, 'part.tpl', '<p>{{name}} {{a}}</p>\n')
    write(views, 'page.tpl', 'start\n% include("part", a=1)\nend\n')
    assert stpl(views, 'page').render(name='<N>') == 'start\n<p>&lt;N&gt; 1</p>\nend\n'


def test_include_keyword_variables_do_not_leak_into_the_includer(views):
    write(views, 'part.tpl', '{{x}}\n% x = 3\n% y = 4\n')
    write(views, 'page.tpl', '% include("part", x=2)\n{{x}} {{defined("y")}}\n')
    assert stpl(views, 'page').render(x=1) == '2\n1 False\n'


def test_include_returns_the_namespace_of_the_included_template(views):
    write(views, 'part.tpl', '% value = 9\n')
    write(views, 'page.tpl',
          '% namespace = include("part", q=1)\n{{namespace["value"]}} {{namespace["q"]}}\n')
    assert stpl(views, 'page').render() == '9 1\n'


def test_include_finds_templates_in_sub_directories(views):
    write(views, 'parts/footer.tpl', 'footer\n')
    write(views, 'page.tpl', 'page\n%include("parts/footer")\n')
    assert stpl(views, 'page').render() == 'page\nfooter\n'


def test_include_in_a_loop_sees_the_loop_variable(views):
    write(views, 'item.tpl', '<li>{{item}}</li>\n')
    write(views, 'list.tpl', '<ul>\n%for item in items:\n%include("item")\n%end\n</ul>\n')
    assert stpl(views, 'list').render(items=['a', '<b>']) == \
        '<ul>\n<li>a</li>\n<li>&lt;b&gt;</li>\n</ul>\n'


def test_include_name_may_be_given_as_keyword(views):
    write(views, 'part.tpl', 'part {{name}}\n')
    write(views, 'page.tpl', '%include(_name="part", name="n")\n')
    assert stpl(views, 'page').render() == 'part n\n'


def test_include_of_a_missing_template_is_a_template_error(views):
    write(views, 'page.tpl', '%include("missing")\n')
    with pytest.raises(bottle.TemplateError) as info:
        stpl(views, 'page').render()
    assert 'missing' in str(info.value)


def test_rebase_renders_the_output_into_a_base_template_as_base(views):
    write(views, 'base.tpl', '<html>{{!base}}</html>|{{title}}\n')
    write(views, 'page.tpl', '% rebase("base", title="<T>")\n<p>{{name}}</p>\n')
    assert stpl(views, 'page').render(name='n') == '<html><p>n</p>\n</html>|&lt;T&gt;\n'


def test_rebase_gives_the_base_the_variables_of_the_child(views):
    write(views, 'base.tpl', '{{y}} {{z}} {{get("missing", "-")}}|{{!base}}')
    write(views, 'page.tpl', '%rebase("base", y=1)\n%z = 2\nchild\n')
    assert stpl(views, 'page').render() == '1 2 -|child\n'


def test_last_rebase_call_wins(views):
    write(views, 'base.tpl', '[{{title}}:{{!base}}]')
    write(views, 'page.tpl', '%rebase("base", title=1)\n%rebase("base", title=2)\nx\n')
    assert stpl(views, 'page').render() == '[2:x\n]'


def test_rebase_chains(views):
    write(views, 'outer.tpl', 'O[{{!base}}]\n')
    write(views, 'middle.tpl', '%rebase("outer")\nM[{{!base}}]\n')
    write(views, 'leaf.tpl', '%rebase("middle")\nleaf\n')
    assert stpl(views, 'leaf').render() == 'O[M[leaf\n]\n]\n'


def test_included_template_that_rebases_wraps_only_its_own_output(views):
    # differs from 0.13.4: the includer's output so far ends up inside the base there.
    write(views, 'base.tpl', 'B[{{!base}}]\n')
    write(views, 'child.tpl', '%rebase("base")\nC\n')
    write(views, 'page.tpl', 'P1\n%include("child")\nP2\n')
    assert stpl(views, 'page').render() == 'P1\nB[C\n]\nP2\n'


def test_defined_get_and_setdefault():
    source = ('{{defined("a")}} {{defined("b")}} {{get("a", 5)}} {{get("b", 6)}} [{{get("b")}}]\n'
              '% setdefault("a", 7)\n% setdefault("b", 8)\n{{a}} {{b}}')
    assert render(source, a=None) == 'True False  6 []\n 8'


def test_variables_assigned_in_the_template_are_defined():
    assert render('%x = 1\n{{defined("x")}}') == 'True'


def test_stdout_is_the_output_list():
    assert render('a\n%_stdout.append("<raw>")\nb') == 'a\n<raw>b'


def test_printlist_extends_the_output():
    assert render('%_printlist(["a", "<"])\n') == 'a<'


def test_str_and_escape_helpers():
    assert render('{{!_str(None)}}|{{!_str(b"x")}}|{{!_escape("<")}}|{{!_escape(None)}}|'
                  '{{!_escape(1)}}') == \
        '|x|&lt;||1'


def test_helpers_win_over_variables_of_the_same_name():
    assert render('{{callable(get)}} {{_stdout}}', get=5, _stdout=6) == 'True []'


# --------------------------------------------------------- compiling and errors

def test_template_compiles_once_and_renders_many_times():
    template = bottle.SimpleTemplate('{{x}}')
    assert [template.render(x=n) for n in range(3)] == ['0', '1', '2']
    assert template.co is template.co
    assert isinstance(template.code, str)


def test_one_template_renders_correctly_in_many_threads_at_once():
    template = bottle.SimpleTemplate('%for i in range(n):\n{{name}}{{i}}\n%end\n')
    failures = []

    def worker(name):
        for n in range(30):
            if template.render(name=name, n=n) != ''.join('%s%d\n' % (name, i) for i in range(n)):
                failures.append(name)
    threads = [threading.Thread(target=worker, args=('t%d' % number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_execute_appends_to_the_given_list_and_returns_the_namespace():
    output = ['before|']
    namespace = bottle.SimpleTemplate('{{x}}\n% y = 2').execute(output, {'x': '<'})
    assert ''.join(output) == 'before|&lt;\n'
    assert namespace['y'] == 2


def test_render_merges_dicts_then_keywords():
    template = bottle.SimpleTemplate('{{a}}{{b}}{{c}}')
    assert template.render({'a': 1, 'b': 1}, {'b': 2, 'c': 2}, c=3) == '123'


def test_syntax_error_names_the_template_and_line():
    # differs from 0.13.4: it raises a plain SyntaxError that names '<string>' and line 1.
    with pytest.raises(bottle.StplSyntaxError) as info:
        bottle.SimpleTemplate('ok\nok\n% if x = 1:\nx\n% end\n', name='broken').render()
    assert isinstance(info.value, bottle.TemplateError)
    assert 'broken' in str(info.value)
    assert 'line 3' in str(info.value)


def test_syntax_error_in_a_file_names_the_file(views):
    # differs from 0.13.4: it raises a plain SyntaxError that names the file only.
    path = write(views, 'broken.tpl', 'fine\n{{ x y }}\n')
    with pytest.raises(bottle.StplSyntaxError) as info:
        stpl(views, 'broken').render(x=1, y=2)
    assert path in str(info.value)
    assert 'line 2' in str(info.value)


def test_error_in_a_variable_names_the_template_and_line_in_the_traceback(views):
    class Exploding:
        @property
        def value(self):
            raise LookupError('boom')
    path = write(views, 'page.tpl', 'one\n%for i in range(1):\ntwo\n{{thing.value}}\n%end\n')
    with pytest.raises(LookupError) as info:
        stpl(views, 'page').render(thing=Exploding())
    frames = [frame for frame in traceback.extract_tb(info.value.__traceback__)
              if frame.filename == path]
    assert [frame.lineno for frame in frames] == [4]


def test_error_in_a_source_template_names_it_in_the_traceback():
    # differs from 0.13.4: its tracebacks name every source template '<string>'.
    with pytest.raises(ZeroDivisionError) as info:
        bottle.SimpleTemplate('a\nb\n{{1 / 0}}\n', name='inline').render()
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert 'inline' in frame.filename and frame.lineno == 3


def test_http_errors_raised_in_a_template_pass_through_unchanged():
    with pytest.raises(bottle.HTTPError) as info:
        render('%abort(403, "no")\n', abort=bottle.abort)
    assert info.value.status_code == 403


def test_unicode_source():
    assert render('Grüße {{x}} ✓\n', x='€') == 'Grüße € ✓\n'


def test_bytes_source_is_decoded_as_utf8():
    assert bottle.SimpleTemplate('café {{x}}'.encode('utf8')).render(x=1) == 'café 1'


def test_template_files_are_read_as_utf8(views):
    write(views, 'page.tpl', 'café {{x}}\n')
    assert stpl(views, 'page').render(x='ü') == 'café ü\n'


def test_encoding_setting_reads_files_in_other_encodings(views):
    # differs from 0.13.4: it refuses every encoding but utf-8 with a DeprecationWarning.
    write(views, 'page.tpl', 'café {{x}}\n', encoding='latin1')
    assert stpl(views, 'page', encoding='latin1').render(x=1) == 'café 1\n'


# --------------------------------------------------------------------- bad input

def test_bad_input_unclosed_inline_expression_renders_as_text():
    assert render('<p>{{ name </p>\n<p>{{name}}</p>\n', name='n') == '<p>{{ name </p>\n<p>n</p>\n'


def test_bad_input_end_without_a_block_is_ignored():
    assert render('a\n%if True:\nb\n%end\n%end\nc\n') == 'a\nb\nc\n'


def test_bad_input_end_without_a_block_before_other_blocks_is_ignored():
    # differs from 0.13.4: its indentation goes wrong and the next block gives an IndentationError.
    assert render('a\n%end\nb\n%if True:\nc\n%end\n') == 'a\nb\nc\n'


def test_bad_input_block_never_closed_ends_with_the_template():
    assert render('%for i in range(2):\n%if i:\nodd\n%end\nline {{i}}\n') == 'line 0\nodd\nline 1\n'


def test_bad_input_unbalanced_code_block_start_runs_to_the_end():
    assert render('a\n<% x = 1\ny = 2\n') == 'a\n'


def test_bad_input_unbalanced_code_block_end_is_a_syntax_error():
    # differs from 0.13.4: it raises a plain SyntaxError.
    with pytest.raises(bottle.StplSyntaxError) as info:
        render('a\nb\n%>\n')
    assert 'line 3' in str(info.value)


def test_bad_input_deeply_nested_blocks_render_up_to_pythons_limit():
    depth = 99
    source = '%if True:\n' * depth + 'deep {{x}}\n' + '%end\n' * depth
    assert render(source, x=1) == 'deep 1\n'


def test_bad_input_blocks_nested_beyond_pythons_limit_are_a_syntax_error():
    # differs from 0.13.4: it raises a plain IndentationError.
    depth = 100
    source = '%if True:\n' * depth + 'deep\n' + '%end\n' * depth
    with pytest.raises(bottle.StplSyntaxError) as info:
        render(source)
    assert 'line 101' in str(info.value)
    assert 'indentation' in str(info.value)


def test_bad_input_five_megabyte_template(views):
    unit = ('<div class="row">' + 'static text ' * 40 + '</div>\n') * 9
    source = ''.join('%s<p>{{items[%d]}}</p>\n%%if %d %% 2:\nodd\n%%end\n'
                     % (unit, index % 10, index)
                     for index in range(1200))
    assert len(source) > 5 * 1024 * 1024
    write(views, 'big.tpl', source)
    out = bottle.template('big', items=['<%d>' % n for n in range(10)])
    assert out.count('<div class="row">') == 1200 * 9
    assert out.count('<p>&lt;3&gt;</p>') == 120
    assert out.count('odd\n') == 600


def test_bad_input_non_utf8_file_is_a_template_error_naming_the_file(views):
    # differs from 0.13.4: it raises a DeprecationWarning ("Unsupported template encodings").
    path = write(views, 'latin.tpl', 'caf\xe9 {{x}}\n', encoding='latin1')
    with pytest.raises(bottle.TemplateError) as info:
        bottle.template('latin', x=1)
    assert path in str(info.value)
    assert 'utf8' in str(info.value)


def test_bad_input_variable_that_raises_names_template_and_line(views):
    path = write(views, 'page.tpl', '<p>\n{{user.name}}\n</p>\n')
    with pytest.raises(AttributeError) as info:
        bottle.template('page', user=None)
    location = [(frame.filename, frame.lineno)
                for frame in traceback.extract_tb(info.value.__traceback__)]
    assert (path, 2) in location


def test_bad_input_include_cycle_is_a_clear_error(views):
    # differs from 0.13.4: it recurses until Python raises RecursionError.
    write(views, 'ping.tpl', 'ping\n%include("pong")\n')
    write(views, 'pong.tpl', 'pong\n%include("ping")\n')
    with pytest.raises(bottle.TemplateError) as info:
        bottle.template('ping')
    assert "'ping' -> 'pong' -> 'ping'" in str(info.value)


def test_bad_input_rebase_cycle_is_a_clear_error(views):
    # differs from 0.13.4: it recurses until Python raises RecursionError.
    write(views, 'one.tpl', '%rebase("two")\none\n')
    write(views, 'two.tpl', '%rebase("one")\ntwo\n')
    with pytest.raises(bottle.TemplateError):
        bottle.template('one')


def test_recursive_includes_that_terminate_are_fine(views):
    write(views, 'tree.tpl', '{{n}}\n%if n:\n%include("tree", n=n - 1)\n%end\n')
    assert bottle.template('tree', n=50).split() == [str(n) for n in range(50, -1, -1)]


# ----------------------------------------------------------------- template API

def test_base_template_class_attributes():
    assert bottle.BaseTemplate.extensions == ['tpl', 'html', 'thtml', 'stpl']
    assert isinstance(bottle.BaseTemplate.defaults, dict)
    assert issubclass(bottle.StplSyntaxError, bottle.TemplateError)
    assert issubclass(bottle.TemplateError, bottle.BottleException)


def test_base_template_cannot_render():
    with pytest.raises(NotImplementedError):
        bottle.BaseTemplate('x').render()


def test_search_tries_the_name_then_each_extension(views):
    write(views, 'page.html', 'x')
    write(views, 'plain', 'x')
    assert bottle.BaseTemplate.search('page', [str(views)]) == os.path.join(str(views), 'page.html')
    assert bottle.BaseTemplate.search('page.html', [str(views)]) == \
        os.path.join(str(views), 'page.html')
    assert bottle.BaseTemplate.search('plain', [str(views)]) == os.path.join(str(views), 'plain')
    assert bottle.BaseTemplate.search('plain.tpl', [str(views)]) is None


def test_search_prefers_the_exact_name_and_the_first_directory(tmp_path):
    write(tmp_path / 'one', 'page', 'exact')
    write(tmp_path / 'one', 'page.tpl', 'tpl')
    write(tmp_path / 'two', 'other.tpl', 'two')
    write(tmp_path / 'one', 'other.html', 'one')
    lookup = [str(tmp_path / 'one'), str(tmp_path / 'two')]
    assert bottle.BaseTemplate.search('page', lookup).endswith(os.path.join('one', 'page'))
    assert bottle.BaseTemplate.search('other', lookup).endswith(os.path.join('one', 'other.html'))


def test_search_never_leaves_the_lookup_directories(tmp_path):
    write(tmp_path, 'secret.tpl', 'secret')
    write(tmp_path / 'views', 'page.tpl', 'page')
    lookup = [str(tmp_path / 'views')]
    assert bottle.BaseTemplate.search('../secret', lookup) is None
    with pytest.raises(bottle.TemplateError):
        bottle.template('../secret', template_lookup=lookup)


def test_absolute_template_names_outside_the_lookup_directories_are_not_found(tmp_path):
    # differs from 0.13.4: it raises a DeprecationWarning for every absolute name.
    write(tmp_path, 'secret.tpl', 'secret')
    lookup = [str(tmp_path / 'views')]
    assert bottle.BaseTemplate.search(str(tmp_path / 'secret.tpl'), lookup) is None
    with pytest.raises(bottle.TemplateError):
        bottle.template(str(tmp_path / 'secret.tpl'), template_lookup=lookup)


def test_template_from_a_name_and_lookup_knows_its_file(views):
    path = write(views, 'page.tpl', 'x')
    template = bottle.SimpleTemplate(name='page', lookup=[str(views)])
    assert template.filename == path
    assert template.source is None


def test_template_with_a_missing_name_is_a_template_error_naming_it(views):
    with pytest.raises(bottle.TemplateError) as info:
        bottle.SimpleTemplate(name='nowhere', lookup=[str(views)])
    assert "'nowhere' not found" in str(info.value)


def test_template_without_source_or_name_is_a_template_error():
    with pytest.raises(bottle.TemplateError):
        bottle.SimpleTemplate()


def test_global_config_sets_a_setting_for_one_class():
    class QuietTemplate(bottle.SimpleTemplate):
        pass
    QuietTemplate.global_config('noescape', True)
    assert QuietTemplate.global_config('noescape') is True
    assert QuietTemplate('{{x}}').render(x='<') == '<'
    assert bottle.SimpleTemplate('{{x}}').render(x='<') == '&lt;'
    with pytest.raises(KeyError):
        QuietTemplate.global_config('never-set')


def test_settings_combine_global_and_template_settings():
    class Configured(bottle.SimpleTemplate):
        pass
    Configured.global_config('noescape', True)
    assert Configured('x', syntax='<% %> % {{ }}').settings == {'noescape': True,
                                                                 'syntax': '<% %> % {{ }}'}


def test_defaults_are_variables_of_every_template(monkeypatch):
    monkeypatch.setitem(bottle.BaseTemplate.defaults, 'site', 'Site')
    assert render('{{site}}') == 'Site'
    assert render('{{site}}', site='mine') == 'mine'
    assert bottle.template('{{site}}') == 'Site'


# ------------------------------------------------------------------- template()

def test_template_renders_source_strings():
    assert bottle.template('Hello {{name}}!', name='<W>') == 'Hello &lt;W&gt;!'
    assert bottle.template('line\n') == 'line\n'
    assert bottle.template('100%') == '100%'
    assert bottle.template('cost: $5') == 'cost: $5'


def test_template_looks_names_up_in_template_path(views):
    write(views, 'hello.tpl', 'Hello {{name}}!\n')
    assert bottle.template('hello', name='World') == 'Hello World!\n'


def test_template_path_default():
    assert bottle.TEMPLATE_PATH == ['./', './views/']


def test_template_lookup_keyword(tmp_path):
    write(tmp_path / 'other', 'page.tpl', 'other {{x}}')
    assert bottle.template('page', x=1, template_lookup=[str(tmp_path / 'other')]) == 'other 1'


def test_template_dicts_override_keyword_variables():
    assert bottle.template('{{a}}{{b}}', {'a': 1}, {'b': 2}, a=0, b=0) == '12'


def test_template_settings_keyword():
    assert bottle.template('{{x}}', x='<', template_settings={'noescape': True}) == '<'


def test_template_adapter_keyword():
    assert bottle.template('{{x}}', x='<', template_adapter=bottle.SimpleTemplate) == '&lt;'


def test_template_caches_compiled_templates(views):
    write(views, 'page.tpl', 'first')
    assert bottle.template('page') == 'first'
    write(views, 'page.tpl', 'second')
    assert bottle.template('page') == 'first'
    assert len(bottle.TEMPLATES) == 1
    bottle.TEMPLATES.clear()
    assert bottle.template('page') == 'second'


def test_template_cache_is_off_in_debug_mode(views):
    bottle.debug(True)
    write(views, 'page.tpl', 'first')
    assert bottle.template('page') == 'first'
    write(views, 'page.tpl', 'second')
    assert bottle.template('page') == 'second'


def test_template_cache_respects_settings():
    # differs from 0.13.4: its cache ignores template_settings (the first settings win).
    assert bottle.template('{{x}}', x='<') == '&lt;'
    assert bottle.template('{{x}}', x='<', template_settings={'noescape': True}) == '<'


def test_template_cache_respects_the_adapter(views):
    jinja2_or_skip()
    # differs from 0.13.4: its cache ignores the adapter (the first adapter wins).
    write(views, 'page.tpl', '{{ x }}{% if true %}!{% endif %}')
    assert bottle.template('page', x=1) == '1{% if true %}!{% endif %}'
    assert bottle.template('page', x=1, template_adapter=bottle.Jinja2Template) == '1!'


def test_template_with_a_missing_name_is_a_template_error(views):
    with pytest.raises(bottle.TemplateError) as info:
        bottle.template('nowhere')
    assert 'nowhere' in str(info.value)


def test_template_without_a_name_is_a_template_error():
    # differs from 0.13.4: template(None) and template() raise a TypeError there.
    for args in [('',), (None,), ()]:
        with pytest.raises(bottle.TemplateError):
            bottle.template(*args)


def test_missing_template_in_a_route_gives_500_naming_it_in_debug_mode(views):
    bottle.debug(True)
    app = bottle.Bottle()
    app.route('/', callback=lambda: bottle.template('no_such_template'))
    result = call(app, '/')
    assert result.code == 500
    assert b'no_such_template' in result.body


def test_twenty_row_loop_with_escaping_renders_exactly():
    source = ('<ul>\n% for row in rows:\n'
              '  <li class="row">{{row[\'id\']}}: {{row[\'name\']}}</li>\n'
              '% end\n</ul>\n')
    rows = [{'id': n, 'name': 'Item <%d> & co' % n} for n in range(1, 21)]
    expected = '<ul>\n' + ''.join('  <li class="row">%d: Item &lt;%d&gt; &amp; co</li>\n' % (n, n)
                                  for n in range(1, 21)) + '</ul>\n'
    template = bottle.SimpleTemplate(source)
    assert template.render(rows=rows) == expected
    assert template.render(rows=rows) == expected
    assert bottle.template(source, rows=rows) == expected


# ----------------------------------------------------------------------- view()

def test_view_renders_a_dict_result(views):
    write(views, 'page.tpl', '<h1>{{title}}</h1>')
    app = bottle.Bottle()

    @app.route('/')
    @bottle.view('page')
    def page():
        return {'title': '<T>'}
    result = call(app, '/')
    assert (result.code, result.text) == (200, '<h1>&lt;T&gt;</h1>')
    assert result.header('Content-Type') == 'text/html; charset=UTF-8'


def test_view_defaults_are_overridden_by_the_result():
    @bottle.view('{{a}} {{b}}', a='default-a', b='default-b')
    def page():
        return {'b': 'result-b'}
    assert page() == 'default-a result-b'


def test_view_renders_defaults_when_the_callback_returns_none():
    @bottle.view('{{title}}', title='default')
    def page():
        return None
    assert page() == 'default'


def test_view_passes_other_results_through():
    response = bottle.HTTPResponse('body', 201)
    results = iter(['text', b'bytes', response, [1, 2]])

    @bottle.view('{{x}}', x=1)
    def page():
        return next(results)
    assert [page(), page(), page(), page()] == ['text', b'bytes', response, [1, 2]]


def test_view_renders_mutable_mapping_results():
    @bottle.view('{{x}}')
    def page():
        return bottle.FormsDict(x='<forms>')
    assert page() == '&lt;forms&gt;'


def test_view_passes_arguments_and_keeps_the_function_name():
    @bottle.view('{{a}} {{b}}', a=1)
    def page(**kwargs):
        """Docs."""
        return kwargs
    assert page(b=2) == '1 2'
    assert page(a=3, b=2) == '3 2'
    assert page.__name__ == 'page' and page.__doc__ == 'Docs.'


def test_view_defaults_may_choose_the_adapter():
    jinja2_or_skip()
    @bottle.view('{{ x }}{% if x %}!{% endif %}', template_adapter=bottle.Jinja2Template)
    def page():
        return {'x': 1}
    assert page() == '1!'


def test_route_template_option_with_a_name(views):
    write(views, 'contact.tpl', 'Mail: {{email}}')
    app = bottle.Bottle()
    app.route('/contact', template='contact', callback=lambda: {'email': 'a@b.c'})
    assert call(app, '/contact').text == 'Mail: a@b.c'


def test_route_template_option_with_a_name_and_defaults(views):
    write(views, 'contact.tpl', '{{title}}: {{email}}')
    app = bottle.Bottle()
    app.route('/contact', template=('contact', {'title': 'Contact'}),
              callback=lambda: {'email': 'e'})
    assert call(app, '/contact').text == 'Contact: e'


# ---------------------------------------------------------------- the tutorial

TUTORIAL_TEMPLATE = ("%if name == 'World':\n"
                     "    <h1>Hello {{name}}!</h1>\n"
                     "    <p>This is a test.</p>\n"
                     "%else:\n"
                     "    <h1>Hello {{name.title()}}!</h1>\n"
                     "    <p>How are you?</p>\n"
                     "%end\n")


def test_tutorial_template_through_a_route_with_view(tmp_path, monkeypatch):
    write(tmp_path / 'views', 'hello_template.tpl', TUTORIAL_TEMPLATE)
    monkeypatch.chdir(tmp_path)
    app = bottle.Bottle()

    @app.route('/hello')
    @app.route('/hello/<name>')
    @bottle.view('hello_template')
    def hello(name='World'):
        return dict(name=name)
    assert call(app, '/hello').text == '    <h1>Hello World!</h1>\n    <p>This is a test.</p>\n'
    assert call(app, '/hello/john doe').text == \
        '    <h1>Hello John Doe!</h1>\n    <p>How are you?</p>\n'


def test_tutorial_template_through_template_function(tmp_path, monkeypatch):
    write(tmp_path / 'views', 'hello_template.tpl', TUTORIAL_TEMPLATE)
    monkeypatch.chdir(tmp_path)
    app = bottle.Bottle()

    @app.route('/hello/<name>')
    def hello(name='World'):
        return bottle.template('hello_template', name=name)
    result = call(app, '/hello/<script>')
    assert result.text == '    <h1>Hello &lt;Script&gt;!</h1>\n    <p>How are you?</p>\n'


# ---------------------------------------------------------------------- Jinja2

def jinja2_or_skip():
    """The jinja2 module; the test is skipped if Jinja2 is not installed."""
    return pytest.importorskip('jinja2', reason='Jinja2 is not installed on this Python')


def test_jinja2_template_from_source():
    jinja2_or_skip()
    assert bottle.jinja2_template('Hello {{ name }}!', name='J') == 'Hello J!'


def test_jinja2_template_from_a_file_in_the_lookup_path(views):
    jinja2_or_skip()
    write(views, 'page.html', '<p>{{ x }}</p>')
    assert bottle.jinja2_template('page', x=1) == '<p>1</p>'


def test_jinja2_filters_tests_and_globals_settings():
    jinja2_or_skip()
    template = bottle.Jinja2Template('{{ x|double }} {{ x is odd_number }} {{ site }}',
                                     filters={'double': lambda v: v * 2},
                                     tests={'odd_number': lambda v: v % 2 == 1},
                                     globals={'site': 'S'})
    assert template.render(x=3) == '6 True S'


def test_jinja2_environment_settings():
    jinja2_or_skip()
    assert bottle.Jinja2Template('{{ x }}', autoescape=True).render(x='<') == '&lt;'
    assert bottle.Jinja2Template('{{ x }}').render(x='<') == '<'


def test_jinja2_includes_from_the_lookup_path(views):
    jinja2_or_skip()
    write(views, 'part.html', 'part {{ x }}')
    write(views, 'page.html', '[{% include "part.html" %}][{% include "part" %}]')
    assert bottle.jinja2_template('page', x=1) == '[part 1][part 1]'


def test_jinja2_missing_template_is_a_template_error(views):
    jinja2_or_skip()
    with pytest.raises(bottle.TemplateError):
        bottle.jinja2_template('nowhere')


def test_jinja2_missing_include_raises_template_not_found(views):
    jinja2 = jinja2_or_skip()
    with pytest.raises(jinja2.TemplateNotFound):
        bottle.jinja2_template('{% include "nowhere.html" %}')


def test_jinja2_loader_returns_source_filename_and_uptodate(views):
    jinja2_or_skip()
    # differs from 0.13.4: its uptodate() is always False, so Jinja2 reloads included files
    # each time.
    path = write(views, 'page.html', 'x')
    source, filename, uptodate = bottle.Jinja2Template('y', lookup=[str(views)]).loader('page')
    assert (source, filename, uptodate()) == ('x', path, True)
    assert bottle.Jinja2Template('y', lookup=[str(views)]).loader('nowhere') is None


def test_jinja2_gets_template_defaults(monkeypatch):
    jinja2_or_skip()
    monkeypatch.setitem(bottle.BaseTemplate.defaults, 'site', 'S')
    assert bottle.jinja2_template('{{ site }}') == 'S'


def test_jinja2_view(views):
    jinja2_or_skip()
    write(views, 'page.html', '{{ a }} {{ b }}')

    @bottle.jinja2_view('page', a='A')
    def page():
        return {'b': 'B'}
    assert page() == 'A B'


def test_jinja2_not_installed_is_a_clear_import_error(monkeypatch):
    # differs from 0.13.4: its ImportError does not say which package to install.
    monkeypatch.setitem(sys.modules, 'jinja2', None)
    with pytest.raises(ImportError) as info:
        bottle.jinja2_template('{{ x }}', x=1)
    assert 'Jinja2' in str(info.value)


# ------------------------------------------------------------------------ Mako

def test_mako_template_from_source():
    pytest.importorskip('mako', reason='Mako is not installed on this Python')
    assert bottle.mako_template('Hello ${name}!', name='M') == 'Hello M!'


def test_mako_template_from_a_file_with_includes(views):
    pytest.importorskip('mako', reason='Mako is not installed on this Python')
    write(views, 'part.tpl', 'part ${x}')
    write(views, 'page.tpl', '[<%include file="part.tpl"/>]')
    assert bottle.mako_template('page', x=1) == '[part 1]'


def test_mako_gets_template_defaults(monkeypatch):
    pytest.importorskip('mako', reason='Mako is not installed on this Python')
    monkeypatch.setitem(bottle.BaseTemplate.defaults, 'site', 'S')
    assert bottle.mako_template('${site}') == 'S'


def test_mako_view(views):
    pytest.importorskip('mako', reason='Mako is not installed on this Python')
    write(views, 'page.tpl', '${a} ${b}')

    @bottle.mako_view('page', a='A')
    def page():
        return {'b': 'B'}
    assert page() == 'A B'


def test_mako_not_installed_is_a_clear_import_error(monkeypatch):
    # differs from 0.13.4: its ImportError does not say which package to install.
    monkeypatch.setitem(sys.modules, 'mako', None)
    monkeypatch.setitem(sys.modules, 'mako.template', None)
    with pytest.raises(ImportError) as info:
        bottle.mako_template('${x}', x=1)
    assert 'Mako' in str(info.value)


# --------------------------------------------------------------------- Cheetah

def cheetah_or_skip():
    """Skip the test, saying why, unless Cheetah3 can be imported here."""
    try:
        importlib.import_module('Cheetah.Template')
    except ImportError as error:
        reason = 'Cheetah3 cannot be imported on this Python (%s)' % error
        print(reason)
        pytest.skip(reason)


def test_cheetah_template_from_source():
    cheetah_or_skip()
    assert bottle.cheetah_template('Hello $name!', name='C') == 'Hello C!'


def test_cheetah_template_with_a_loop():
    cheetah_or_skip()
    assert bottle.cheetah_template('#for $i in $rows\n$i\n#end for\n', rows=[1, 2]) == '1\n2\n'


def test_cheetah_template_from_a_file(views):
    cheetah_or_skip()
    write(views, 'page.tpl', 'cheetah $x\n')
    assert bottle.cheetah_template('page', x='<') == 'cheetah <\n'


def test_cheetah_view(views):
    cheetah_or_skip()
    write(views, 'page.tpl', '$a $b')

    @bottle.cheetah_view('page', a='A')
    def page():
        return {'b': 'B'}
    assert page() == 'A B'


def test_cheetah_not_installed_is_a_clear_import_error(monkeypatch):
    # differs from 0.13.4: its ImportError does not say which package to install.
    monkeypatch.setitem(sys.modules, 'Cheetah', None)
    monkeypatch.setitem(sys.modules, 'Cheetah.Template', None)
    with pytest.raises(ImportError) as info:
        bottle.cheetah_template('$x', x=1)
    assert 'Cheetah3' in str(info.value)


# ------------------------------------------------------------------------ one-line blocks (issue 9)

@pytest.mark.parametrize('x, expected', [(True, 'if'), (False, 'else')])
def test_one_line_if_and_else_with_end(x, expected):
    assert render('%if x: a="if"\n%else: a="else"\n%end\n{{a}}', x=x) == expected


@pytest.mark.parametrize('x, expected', [(True, '1'), (False, '2')])
def test_one_line_if_then_an_else_block(x, expected):
    assert render('%if x:   a=1\n%else:\n%  a=2\n%end\n{{a}}', x=x) == expected


def test_one_line_elif_chain():
    source = '%if n == 1: a = "one"\n%elif n == 2: a = "two"\n%else: a = "many"\n%end\n{{a}}'
    assert [render(source, n=n) for n in (1, 2, 3)] == ['one', 'two', 'many']


def test_for_with_body_and_end_on_one_line():
    assert render('%total = 0\n%for i in items: total += i; end\n{{total}}', items=[1, 2, 3]) == '6'


def test_end_after_a_statement_closes_the_block():
    assert render('%if x:\nyes\n% 1; end\nafter', x=False) == 'after'
    assert render('%if x:\nyes\n% 1; end\nafter', x=True) == 'yes\nafter'


def test_end_after_a_statement_in_a_block_tag():
    assert render('<% for i in range(3): pass; end %>\n{{i}}') == '2'
    assert render('<%\nfor i in range(3): pass; end\n%>\n{{i}}') == '2'


def test_a_one_line_block_does_not_change_the_indentation_of_what_follows():
    source = '%for i in items:\n%  if i > 1: last = i\n%  end\n{{i}}\n%end\nlast={{last}}'
    assert render(source, items=[1, 2, 3]) == '1\n2\n3\nlast=3'


def test_one_line_while_and_with():
    assert render('%n = 3\n%while n: n -= 1\n%end\n{{n}}') == '0'
    source = '%import io\n%with io.StringIO("x") as f: value = f.read()\n%end\n{{value}}'
    assert render(source) == 'x'


@pytest.mark.parametrize('header', [
    'if {1: 2}[1] == 2: a = "dict"',
    'if (lambda: 1)(): a = "lambda"',
    'if (n := 3) > 2: a = "walrus"',
    'if "a:b".split(":")[1:]: a = "slice"',
    'if x[0:1]: a = "subscript"',
])
def test_colons_inside_the_header_do_not_end_it(header):
    assert render('%' + header + '\n%else: a = "no"\n%end\n{{a}}', x=[1]) != 'no'


def test_a_block_whose_header_ends_with_a_colon_is_an_ordinary_block():
    assert render('%if x:\n  indented {{x}}\n%end\n', x=1) == '  indented 1\n'


def test_a_word_ending_in_end_is_not_end():
    assert render('%legend = "map"; end_of = 1\n{{legend}}') == 'map'


# -------------------------------------------------- inline expressions over several lines (issue 9)

def test_an_inline_triple_quoted_string_may_span_lines():
    assert render("{{'''a\n'''}}b") == 'a\nb'


def test_an_inline_call_may_span_lines_and_is_evaluated():
    assert render("x{{ '-'.join([\n 'a',\n 'b']) }}y\nz") == 'xa-by\nz'


def test_text_and_expressions_after_a_spanning_expression_on_its_last_line():
    assert render("{{ max(1,\n 2) }} and {{ 'c' }}!\nnext {{ 3 }}") == '2 and c!\nnext 3'


def test_an_unclosed_inline_start_without_open_brackets_stays_text():
    assert render('Use {{ to start\n{{name}}', name='n') == 'Use {{ to start\nn'


def test_errors_after_a_spanning_expression_name_the_right_line():
    source = 'a{{ f(1,\n  2) }}b\n{{"""x\ny"""}}\n%if 1:\n{{undefined_name}}\n%end'
    template = bottle.SimpleTemplate(source)
    with pytest.raises(NameError) as raised:
        template.render(f=lambda a, b: a + b)
    assert raised.traceback[-1].lineno + 1 == 6  # pytest's line numbers are 0-based


# ------------------------------------------------------- StplSyntaxError is a SyntaxError (issue 9)

def test_stpl_syntax_error_is_a_syntax_error_naming_template_and_line():
    with pytest.raises(SyntaxError) as raised:
        bottle.SimpleTemplate('line one\n%if x ==:\n%end\n', name='broken').co  # noqa: B018
    error = raised.value
    assert isinstance(error, bottle.StplSyntaxError)
    assert isinstance(error, bottle.TemplateError)
    assert "template 'broken'" in str(error) and 'line 2' in str(error)
    assert error.lineno == 2
    assert error.filename == 'broken'
    assert error.text == '%if x ==:'


def test_a_parser_syntax_error_is_a_syntax_error_too():
    with pytest.raises(SyntaxError, match='empty inline expression'):
        bottle.SimpleTemplate('a {{ }} b').co  # noqa: B018 (compiling is what is tested)
